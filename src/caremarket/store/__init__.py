"""Where releases are kept: an embedded DuckDB file by default."""
