-- +goose Up
-- Subject requests (R-DSR-5, R-DSR-6, R-DSR-7, R-INV-3, R-CON-1). params holds no PI;
-- payload (correction values, complaint text) is sealed with the subject's own key.
CREATE TABLE dsr_requests (
    id             TEXT    PRIMARY KEY,
    type           TEXT    NOT NULL,
    subject_id     TEXT    NOT NULL DEFAULT '',
    tenant_id      TEXT    NOT NULL DEFAULT '',
    state          TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    by_actor       TEXT    NOT NULL,
    by_role        TEXT    NOT NULL DEFAULT '',
    routed_to      TEXT    NOT NULL DEFAULT '',
    instruction_at INTEGER NOT NULL DEFAULT 0,
    params         TEXT    NOT NULL DEFAULT '{}',
    payload        BLOB,
    received_at    INTEGER NOT NULL,
    verified_at    INTEGER NOT NULL DEFAULT 0,
    due_at         INTEGER NOT NULL DEFAULT 0,
    closed_at      INTEGER NOT NULL DEFAULT 0,
    step           TEXT    NOT NULL DEFAULT '',
    reminded       INTEGER NOT NULL DEFAULT 0,
    locked         INTEGER NOT NULL DEFAULT 0,
    decline        TEXT    NOT NULL DEFAULT '',
    answer         TEXT    NOT NULL DEFAULT '',
    access_hash    BLOB,
    version        INTEGER NOT NULL DEFAULT 1,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX dsr_requests_queue ON dsr_requests (state, due_at);
CREATE INDEX dsr_requests_subject ON dsr_requests (subject_id);
CREATE INDEX dsr_requests_tenant ON dsr_requests (tenant_id, state);

-- The subject's view of a request: its steps, no PI.
CREATE TABLE dsr_history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT    NOT NULL REFERENCES dsr_requests (id),
    at         INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    by_actor   TEXT    NOT NULL
);
CREATE INDEX dsr_history_request ON dsr_history (request_id, seq);

-- One-time codes, stored as keyed hashes (R-DSR-5).
CREATE TABLE dsr_codes (
    request_id TEXT    PRIMARY KEY REFERENCES dsr_requests (id),
    hash       BLOB    NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    sent_at    INTEGER NOT NULL
);

-- Codes sent, per subject and per address token, for the rate limits.
CREATE TABLE dsr_code_sends (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX dsr_code_sends_key ON dsr_code_sends (key, at);

-- One-time download links of access and portability packages (hashes only).
CREATE TABLE dsr_downloads (
    hash       BLOB    PRIMARY KEY,
    request_id TEXT    NOT NULL REFERENCES dsr_requests (id),
    subject_id TEXT    NOT NULL,
    format     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);

-- Disclosures: which categories of a subject went to which recipient of the policy's
-- register, on which basis (R-SHR-1). Deletion instructions go to every recipient here.
CREATE TABLE disclosures (
    id          TEXT    PRIMARY KEY,
    subject_id  TEXT    NOT NULL,
    tenant_id   TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    categories  TEXT    NOT NULL,
    basis       TEXT    NOT NULL,
    purpose     TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    recorded_by TEXT    NOT NULL
);
CREATE INDEX disclosures_subject ON disclosures (subject_id, at);

-- Where each recipient takes deletion instructions; the Standard Webhooks secret is sealed
-- with a key of its own, wrapped by the vault's KEK.
CREATE TABLE recipient_endpoints (
    recipient  TEXT    PRIMARY KEY,
    url        TEXT    NOT NULL,
    wrapped    BLOB    NOT NULL,
    secret     BLOB    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);

-- Deletion instructions to recipients, retried until each confirms (R-DSR-4).
CREATE TABLE deletion_instructions (
    id           TEXT    PRIMARY KEY,
    request_id   TEXT    NOT NULL REFERENCES dsr_requests (id),
    recipient    TEXT    NOT NULL,
    subject_id   TEXT    NOT NULL,
    tenant_id    TEXT    NOT NULL DEFAULT '',
    categories   TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    confirmed_at INTEGER NOT NULL DEFAULT 0,
    confirmation INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX deletion_instructions_due ON deletion_instructions (state, next_at);
CREATE INDEX deletion_instructions_request ON deletion_instructions (request_id);

-- +goose Down
DROP TABLE deletion_instructions;
DROP TABLE recipient_endpoints;
DROP TABLE disclosures;
DROP TABLE dsr_downloads;
DROP TABLE dsr_code_sends;
DROP TABLE dsr_codes;
DROP TABLE dsr_history;
DROP TABLE dsr_requests;
