"""The Market Position Statement: content (pure) -> HTML -> PDF.

`content` builds an `Edition` from gathered metric inputs; `html` and `pdf`
render it; `mps.write_mps` is the store-facing entry point the CLI calls.
"""
