"""Council extracts: documented templates, their checks, and reading a council's folder."""
