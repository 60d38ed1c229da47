-- +goose Up
-- Where a token's holder works: cn (mainland China) or abroad (R-RES-2).
ALTER TABLE tokens ADD COLUMN location TEXT NOT NULL DEFAULT 'cn';

-- A tenant is a customer account. real_name_verified_at is set by an audited operator
-- action once the account's real-name data is verified (R-PUR-3).
CREATE TABLE tenants (
    id                    TEXT    PRIMARY KEY,
    name                  TEXT    NOT NULL,
    real_name_subject     TEXT    NOT NULL DEFAULT '',
    real_name_verified_at INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL
);

-- A subject: a natural person whose PI custos holds. Its profile (birth date, e-mail,
-- mobile) is sealed with the subject's data key, like its records.
CREATE TABLE subjects (
    id         TEXT    PRIMARY KEY,
    tenant_id  TEXT    NOT NULL REFERENCES tenants (id),
    kind       TEXT    NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'active',
    region     TEXT    NOT NULL,
    profile    BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    erased_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX subjects_tenant ON subjects (tenant_id);

-- One sealed record per subject and category; region says where it is stored (R-RES-1).
CREATE TABLE records (
    subject_id  TEXT    NOT NULL REFERENCES subjects (id),
    category    TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    sealed      BLOB    NOT NULL,
    verified_at INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (subject_id, category)
);

-- Deterministic keyed tokens of e-mail, mobile and resident ID, for lookups without
-- plaintext; removed when the subject is erased.
CREATE TABLE lookup_tokens (
    kind       TEXT NOT NULL,
    token      TEXT NOT NULL,
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    PRIMARY KEY (kind, token, subject_id)
);
CREATE INDEX lookup_tokens_subject ON lookup_tokens (subject_id);

-- The consent ledger: append-only; the current state is derived (R-PUR-2, R-NOT-1).
CREATE TABLE consent_ledger (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    consent_id        TEXT    NOT NULL,
    subject_id        TEXT    NOT NULL REFERENCES subjects (id),
    action            TEXT    NOT NULL CHECK (action IN ('grant', 'withdraw')),
    purpose           TEXT    NOT NULL,
    category          TEXT    NOT NULL DEFAULT '',
    separate          INTEGER NOT NULL DEFAULT 0,
    given_by          TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    statement_version TEXT    NOT NULL,
    at                INTEGER NOT NULL
);
CREATE INDEX consent_ledger_subject ON consent_ledger (subject_id, seq);
CREATE INDEX consent_ledger_consent ON consent_ledger (consent_id);

-- The ledger is append-only, in the database too.
-- +goose StatementBegin
CREATE TRIGGER consent_ledger_no_update BEFORE UPDATE ON consent_ledger
BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_ledger_no_delete BEFORE DELETE ON consent_ledger
BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER consent_ledger_no_delete;
DROP TRIGGER consent_ledger_no_update;
DROP TABLE consent_ledger;
DROP TABLE lookup_tokens;
DROP TABLE records;
DROP TABLE subjects;
DROP TABLE tenants;
ALTER TABLE tokens DROP COLUMN location;
