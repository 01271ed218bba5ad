"""Projections and their track record: how well demand projections did in the past."""
