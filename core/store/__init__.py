"""The local case store: a GeoPackage the plugin works on, online or offline."""
