"""Adapters that read publishers' releases into the canonical tables."""
