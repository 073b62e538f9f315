"""A control layer in PostGIS: the check reads it through GDAL's spatial filter, with the same
areas as from the GeoPackage."""

from __future__ import annotations

import shutil

import pytest
from osgeo import gdal
from redline_approval.core.check.run import check_files


def test_postgis_control_layer(pg_cluster, county, tmp_path):
    url = pg_cluster.new_database()
    dbname = url.rsplit("/", 1)[1]
    pg = f"PG:host=127.0.0.1 port={pg_cluster.port} user=postgres dbname={dbname}"
    gdal.UseExceptions()
    gdal.AllRegister()
    gdal.VectorTranslate(pg, str(county["profile"].parent / "ecology.gpkg"), format="PostgreSQL",
                         layerName="stbhhx", options=["-lco", "SPATIAL_INDEX=GIST"])
    d = tmp_path / "c"
    shutil.copytree(county["profile"].parent, d)
    (d / "pg.toml").write_text(
        f"[[layers]]\nname = 'eco-pg'\npath = '{pg}'\nlayer = 'stbhhx'\nrole = 'ecology'\n"
        "[[layers]]\nname = 'eco-gpkg'\npath = 'ecology.gpkg'\nrole = 'ecology'\n",
        encoding="utf-8")
    result = check_files(d / "redlines.txt", d / "pg.toml")
    for parcel in result.parcels:
        from_pg, from_gpkg = parcel.layers
        assert from_pg.overlap_m2 == pytest.approx(from_gpkg.overlap_m2, abs=1e-6)
    assert result.parcels[2].layers[0].overlap_m2 == pytest.approx(2018.03, abs=0.01)
    assert "password" not in result.sources[0].get("uri", "")
