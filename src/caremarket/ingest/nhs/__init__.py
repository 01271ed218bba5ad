"""NHS England releases: the Adult Social Care Outcomes Framework (ASCOF)."""
