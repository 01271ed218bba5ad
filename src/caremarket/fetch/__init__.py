"""Fetching releases from their publishers: listings, downloads, the dated cache.

Network and files only: what is loaded into the store is decided by the
pipeline. Nothing here runs unless a user asks to download a release.
"""
