-- +goose Up
-- Supervised access to customer data (R-RES-2, R-RES-3, R-SUP-1): staff ask, the customer
-- approves, grants end; every read under a grant is kept, and so is each request's history.

-- Per tenant: whether an operator manager must approve too, after the customer.
CREATE TABLE access_settings (
    tenant_id       TEXT    PRIMARY KEY REFERENCES tenants (id),
    second_approval INTEGER NOT NULL DEFAULT 0,
    updated_at      INTEGER NOT NULL
);

-- A request, and once approved the grant it becomes. categories is ",a,b," so that a
-- category is matched with LIKE '%,a,%' on both engines.
CREATE TABLE access_requests (
    id                 TEXT    PRIMARY KEY,
    tenant_id          TEXT    NOT NULL REFERENCES tenants (id),
    requester_token    TEXT    NOT NULL,
    requester          TEXT    NOT NULL,
    entity             TEXT    NOT NULL,
    country            TEXT    NOT NULL,
    ticket             TEXT    NOT NULL,
    categories         TEXT    NOT NULL,
    purpose            TEXT    NOT NULL,
    justification      TEXT    NOT NULL,
    duration_s         INTEGER NOT NULL,
    transfer_mechanism TEXT    NOT NULL DEFAULT '',
    transfer_reference TEXT    NOT NULL DEFAULT '',
    transfer_exemption TEXT    NOT NULL DEFAULT '',
    consent_basis      TEXT    NOT NULL DEFAULT '',
    consent_reference  TEXT    NOT NULL DEFAULT '',
    recipient_name     TEXT    NOT NULL DEFAULT '',
    recipient_contact  TEXT    NOT NULL DEFAULT '',
    second_approval    INTEGER NOT NULL DEFAULT 0,
    state              TEXT    NOT NULL CHECK (state IN ('pending', 'active', 'denied', 'expired', 'ended')),
    created_at         INTEGER NOT NULL,
    pending_until      INTEGER NOT NULL,
    customer_approver  TEXT    NOT NULL DEFAULT '',
    customer_approved_at INTEGER NOT NULL DEFAULT 0,
    operator_approver  TEXT    NOT NULL DEFAULT '',
    operator_approved_at INTEGER NOT NULL DEFAULT 0,
    starts_at          INTEGER NOT NULL DEFAULT 0,
    expires_at         INTEGER NOT NULL DEFAULT 0,
    ended_at           INTEGER NOT NULL DEFAULT 0,
    end_reason         TEXT    NOT NULL DEFAULT '',
    ended_by           TEXT    NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX access_requests_grant ON access_requests (requester_token, tenant_id, state, expires_at);
CREATE INDEX access_requests_tenant ON access_requests (tenant_id, created_at);
CREATE INDEX access_requests_state ON access_requests (state, expires_at);

-- Every state change of a request, append-only: the history outlives the grant.
CREATE TABLE access_request_history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT    NOT NULL REFERENCES access_requests (id),
    at         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '',
    audit_index INTEGER NOT NULL
);
CREATE INDEX access_request_history_request ON access_request_history (request_id, seq);

-- Bumped by every change that alters the set of active grants, so that each instance knows
-- when to reload its in-memory index.
CREATE TABLE access_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
);
INSERT INTO access_version (id, v) VALUES (1, 0);

-- Every read under a grant, and whose records it read.
CREATE TABLE access_reads (
    id           TEXT    PRIMARY KEY,
    request_id   TEXT    NOT NULL REFERENCES access_requests (id),
    tenant_id    TEXT    NOT NULL,
    reader_token TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    categories   TEXT    NOT NULL,
    purpose      TEXT    NOT NULL DEFAULT '',
    masked       INTEGER NOT NULL DEFAULT 0,
    records      INTEGER NOT NULL,
    audit_index  INTEGER NOT NULL
);
CREATE INDEX access_reads_tenant ON access_reads (tenant_id, at);
CREATE INDEX access_reads_request ON access_reads (request_id, at);
CREATE TABLE access_read_subjects (
    read_id    TEXT NOT NULL REFERENCES access_reads (id),
    subject_id TEXT NOT NULL,
    PRIMARY KEY (read_id, subject_id)
);
CREATE INDEX access_read_subjects_subject ON access_read_subjects (subject_id);

-- Distinct people whose PI was accessed from abroad, per calendar year (China time) and
-- class (personal: non-sensitive PI, sensitive), with running counts and the alerts raised.
CREATE TABLE access_abroad_people (
    year       INTEGER NOT NULL,
    class      TEXT    NOT NULL CHECK (class IN ('personal', 'sensitive')),
    subject_id TEXT    NOT NULL,
    first_at   INTEGER NOT NULL,
    PRIMARY KEY (year, class, subject_id)
);
CREATE TABLE access_abroad_counts (
    year   INTEGER NOT NULL,
    class  TEXT    NOT NULL,
    people INTEGER NOT NULL,
    PRIMARY KEY (year, class)
);
CREATE TABLE access_abroad_alerts (
    year        INTEGER NOT NULL,
    class       TEXT    NOT NULL,
    threshold   INTEGER NOT NULL,
    people      INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    audit_index INTEGER NOT NULL,
    PRIMARY KEY (year, class, threshold)
);

-- +goose StatementBegin
CREATE TRIGGER access_request_history_no_update BEFORE UPDATE ON access_request_history
BEGIN SELECT RAISE(ABORT, 'access request history is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER access_request_history_no_delete BEFORE DELETE ON access_request_history
BEGIN SELECT RAISE(ABORT, 'access request history is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER access_reads_no_update BEFORE UPDATE ON access_reads
BEGIN SELECT RAISE(ABORT, 'access reads are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER access_reads_no_delete BEFORE DELETE ON access_reads
BEGIN SELECT RAISE(ABORT, 'access reads are append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER access_reads_no_delete;
DROP TRIGGER access_reads_no_update;
DROP TRIGGER access_request_history_no_delete;
DROP TRIGGER access_request_history_no_update;
DROP TABLE access_abroad_alerts;
DROP TABLE access_abroad_counts;
DROP TABLE access_abroad_people;
DROP TABLE access_read_subjects;
DROP TABLE access_reads;
DROP TABLE access_version;
DROP TABLE access_request_history;
DROP TABLE access_requests;
DROP TABLE access_settings;
