"""ONS population releases: mid-year estimates and sub-national projections."""
