"""Domain logic of RedLine Approval: geodesy, red-line parcels, areas, checks.

Nothing in this package imports Qt or QGIS, so the CLI, the server and the tests use it
without a QGIS installation, and the plugin uses the same code inside QGIS.
"""
