-- The council's provider of last resort (its own service): asked only when the whole
-- framework has been asked for the declared window and the care is still not sourced.
ALTER TABLE brokerage.provider ADD COLUMN IF NOT EXISTS last_resort BOOLEAN NOT NULL DEFAULT false;
