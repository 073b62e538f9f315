"""Developer scripts behind make demo, make bench and make package."""
