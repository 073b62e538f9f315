"""RedLine Approval: the QGIS plugin folder and the ``redline_approval`` Python package.

Nothing from QGIS is imported at module level, so the CLI and the server import the package
without QGIS; QGIS calls ``classFactory`` and only then the plugin's Qt code is loaded.
"""

__version__ = "0.1.0"


def missing_dependencies() -> list[str]:
    """Python packages the plugin needs that this QGIS's Python lacks (Debian 12 ships
    shapely 1.8; the plugin needs shapely 2)."""
    missing = []
    try:
        import shapely

        if int(shapely.__version__.split(".")[0]) < 2:
            missing.append(f"shapely>=2 (found {shapely.__version__})")
    except ImportError:
        missing.append("shapely>=2")
    for name in ("pyproj", "fiona", "ezdxf", "jsonschema", "requests", "scipy",
                 "xlsxwriter"):
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    return missing


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    missing = missing_dependencies()
    if missing:
        from .plugin.missing import MissingDependenciesPlugin

        return MissingDependenciesPlugin(iface, missing)
    from .plugin.main import RedlineApprovalPlugin

    return RedlineApprovalPlugin(iface)
