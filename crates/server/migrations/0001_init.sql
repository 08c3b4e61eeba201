-- Leadgate schema v1. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Times are unix milliseconds (BIGINT); money is DOUBLE PRECISION dollars.

CREATE TABLE campaign_versions (
    campaign_id TEXT NOT NULL,
    version TEXT NOT NULL,
    config_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, version)
);

CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    partner_id TEXT,
    idempotency_key TEXT UNIQUE,
    site TEXT,
    campaign_id TEXT NOT NULL,
    campaign_version TEXT NOT NULL,
    sub1 TEXT,
    received_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    lead_json TEXT,
    edge_json TEXT,
    state TEXT NOT NULL,
    validation_status TEXT,
    validation_score BIGINT,
    primary_reason_code TEXT,
    secondary_reason_code TEXT,
    reasons TEXT,
    provider TEXT,
    cost_usd DOUBLE PRECISION,
    latency_ms BIGINT,
    rule_version TEXT,
    duplicate_of TEXT,
    completed_at BIGINT,
    pii_purged_at BIGINT
);
CREATE INDEX leads_partner_created ON leads (partner_id, created_at);
CREATE INDEX leads_campaign_created ON leads (campaign_id, created_at);

CREATE TABLE provider_calls (
    lead_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    provider TEXT NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT,
    reason TEXT,
    cost_usd DOUBLE PRECISION NOT NULL,
    latency_ms BIGINT NOT NULL,
    attempt BIGINT NOT NULL,
    breaker_state TEXT NOT NULL,
    rules_fired TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (lead_id, seq)
);

CREATE TABLE jobs (
    lead_id TEXT PRIMARY KEY,
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    locked_by TEXT,
    locked_until BIGINT
);
CREATE INDEX jobs_run_at ON jobs (run_at);

CREATE TABLE fingerprints (
    fingerprint TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL,
    seen_at BIGINT NOT NULL
);

CREATE TABLE seen_signatures (
    signature TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE TABLE postbacks (
    id TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    url TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    response_status BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX postbacks_due ON postbacks (state, next_at);
