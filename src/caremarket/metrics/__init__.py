"""Pure figures: tables in, table out. No store, no files, no network."""
