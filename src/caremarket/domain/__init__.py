"""The vocabulary of adult social care markets: pure types, no I/O."""
