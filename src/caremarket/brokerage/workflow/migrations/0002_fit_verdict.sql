-- Where a package fits, as the brokers last saw it: whether no provider could take the
-- whole week within the declared travel threshold (null: not worked out, or unknown).
ALTER TABLE brokerage.request ADD COLUMN IF NOT EXISTS hard_to_serve BOOLEAN;
ALTER TABLE brokerage.request ADD COLUMN IF NOT EXISTS fit_checked_at TIMESTAMPTZ;
