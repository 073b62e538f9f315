"""Red-line parcels: the ministry coordinate file, GIS/CAD import and export, validation, areas."""
