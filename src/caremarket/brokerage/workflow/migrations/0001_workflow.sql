-- The brokerage workflow: requests, offers, awards, hand-backs, capacity, reviews, audit.
-- Applied once by caremarket.brokerage.workflow.migrate (recorded in brokerage.schema_version);
-- every statement is also safe to run again.

CREATE TABLE IF NOT EXISTS brokerage.provider (
    provider_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    on_framework BOOLEAN NOT NULL DEFAULT true,
    rating TEXT,
    districts TEXT[] NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS brokerage.zone_principal (
    zone TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES brokerage.provider
);

CREATE TABLE IF NOT EXISTS brokerage.request (
    request_id BIGSERIAL PRIMARY KEY,
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN
        ('draft', 'open', 'offered', 'awarded', 'started', 'withdrawn', 'handed_back')),
    postcode_district TEXT NOT NULL CHECK (postcode_district ~ '^[A-Z]{1,2}[0-9][0-9A-Z]?$'),
    locality TEXT,
    zone TEXT,
    hours_per_week NUMERIC(6, 2) NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 168),
    visits JSONB NOT NULL DEFAULT '[]',
    skills TEXT[] NOT NULL DEFAULT '{}',
    date_added DATE NOT NULL,
    start_by DATE,
    urgency TEXT NOT NULL DEFAULT 'routine'
        CHECK (urgency IN ('routine', 'urgent', 'hospital_discharge')),
    funding TEXT NOT NULL DEFAULT 'unknown',
    usual_rate_gbp_per_hour NUMERIC(8, 2),
    opened_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (start_by IS NULL OR start_by >= date_added)
);
CREATE INDEX IF NOT EXISTS request_state ON brokerage.request (state);

-- Who the person is: revealed to the council and to the awarded provider only.
CREATE TABLE IF NOT EXISTS brokerage.person (
    request_id BIGINT PRIMARY KEY REFERENCES brokerage.request ON DELETE CASCADE,
    person_ref TEXT NOT NULL,
    details JSONB NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS brokerage.offer (
    offer_id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES brokerage.request,
    provider_id TEXT NOT NULL REFERENCES brokerage.provider,
    start_date DATE NOT NULL,
    rate_gbp_per_hour NUMERIC(8, 2) NOT NULL CHECK (rate_gbp_per_hour > 0),
    visits_covered INTEGER[],
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'made' CHECK (status IN ('made', 'accepted', 'not_chosen')),
    made_at TIMESTAMPTZ NOT NULL,
    made_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS offer_request ON brokerage.offer (request_id);
CREATE INDEX IF NOT EXISTS offer_provider ON brokerage.offer (provider_id);

CREATE TABLE IF NOT EXISTS brokerage.award (
    award_id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES brokerage.request,
    offer_id BIGINT NOT NULL UNIQUE REFERENCES brokerage.offer,
    provider_id TEXT NOT NULL REFERENCES brokerage.provider,
    hours_per_week NUMERIC(6, 2) NOT NULL,
    awarded_at TIMESTAMPTZ NOT NULL,
    awarded_by TEXT NOT NULL,
    ended_at TIMESTAMPTZ
);
-- At most one live award per request, whatever the application does.
CREATE UNIQUE INDEX IF NOT EXISTS award_live ON brokerage.award (request_id) WHERE ended_at IS NULL;

CREATE TABLE IF NOT EXISTS brokerage.hand_back (
    hand_back_id BIGSERIAL PRIMARY KEY,
    award_id BIGINT NOT NULL UNIQUE REFERENCES brokerage.award,
    request_id BIGINT NOT NULL REFERENCES brokerage.request,
    provider_id TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    notice_date DATE NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS brokerage.capacity (
    capacity_id BIGSERIAL PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES brokerage.provider,
    kind TEXT NOT NULL CHECK (kind IN ('home_care_hours', 'care_home_vacancies')),
    area TEXT NOT NULL,
    amount NUMERIC(8, 2) NOT NULL CHECK (amount >= 0),
    declared_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS capacity_latest
    ON brokerage.capacity (provider_id, kind, area, declared_at DESC);

CREATE TABLE IF NOT EXISTS brokerage.review (
    review_id BIGSERIAL PRIMARY KEY,
    award_id BIGINT NOT NULL REFERENCES brokerage.award,
    request_id BIGINT NOT NULL REFERENCES brokerage.request,
    provider_id TEXT NOT NULL,
    hours_change NUMERIC(6, 2) NOT NULL CHECK (hours_change <> 0),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    status TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'refused')),
    submitted_at TIMESTAMPTZ NOT NULL,
    decided_at TIMESTAMPTZ,
    decided_by TEXT
);

-- Every change, with who, when and why: the figures are counts over this log.
CREATE TABLE IF NOT EXISTS brokerage.audit_log (
    event_id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    request_id BIGINT REFERENCES brokerage.request,
    actor TEXT NOT NULL,
    party TEXT NOT NULL,
    provider_id TEXT,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    why TEXT NOT NULL DEFAULT '',
    detail JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_request ON brokerage.audit_log (request_id, at);

-- A state change asked again with the same key answers as the first time.
CREATE TABLE IF NOT EXISTS brokerage.idempotency_key (
    actor TEXT NOT NULL,
    key TEXT NOT NULL,
    action TEXT NOT NULL,
    response JSONB,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);

CREATE TABLE IF NOT EXISTS brokerage.notification (
    notification_id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES brokerage.request,
    provider_id TEXT NOT NULL REFERENCES brokerage.provider,
    tier TEXT NOT NULL,
    channel TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    UNIQUE (request_id, provider_id, tier, channel)
);
