"""Chinese geodetic systems and their transformations into CGCS2000 (pyproj/PROJ underneath)."""
