"""Dated, referenced parameters of the brokerage work."""
