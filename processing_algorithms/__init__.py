"""The QGIS Processing provider: the toolbox, model builder and qgis_process face of ``core``."""
