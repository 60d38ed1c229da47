-- +goose Up
-- Lifecycle (R-RET-1..5). state_since is when the subject entered its state: for a
-- cancelled subject, the start of every category's retention clock (R-RET-2).
-- trial_ends_at is when a trial ends (R-RET-5). anonymised_at says that some of the
-- subject's data left as anonymised records (which do not say whose).
ALTER TABLE subjects ADD COLUMN state_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subjects ADD COLUMN trial_ends_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subjects ADD COLUMN anonymised_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX subjects_state ON subjects (state, state_since, id);
CREATE INDEX subjects_trial ON subjects (state, trial_ends_at, id);

ALTER TABLE tenants ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE tenants ADD COLUMN state_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN trial_ends_at INTEGER NOT NULL DEFAULT 0;

-- Legal holds: a privacy officer suspends deletion of named subjects, with a reason and
-- an end. The reason is the officer's text and is never copied into the audit log.
CREATE TABLE legal_holds (
    id         TEXT    PRIMARY KEY,
    reason     TEXT    NOT NULL,
    placed_by  TEXT    NOT NULL,
    placed_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    lifted_at  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE legal_hold_subjects (
    hold_id    TEXT NOT NULL REFERENCES legal_holds (id),
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    PRIMARY KEY (hold_id, subject_id)
);
CREATE INDEX legal_hold_subjects_subject ON legal_hold_subjects (subject_id);

-- Service terminations (R-RET-4): declared by an operator with a date; the affected
-- subjects are told before it, and cancelled at it.
CREATE TABLE terminations (
    id          TEXT    PRIMARY KEY,
    service_zh  TEXT    NOT NULL,
    service_en  TEXT    NOT NULL,
    all_tenants INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    declared_by TEXT    NOT NULL,
    declared_at INTEGER NOT NULL,
    notified_at INTEGER NOT NULL DEFAULT 0,
    ended_at    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE termination_tenants (
    termination_id TEXT NOT NULL REFERENCES terminations (id),
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    PRIMARY KEY (termination_id, tenant_id)
);
-- Which subjects a termination's e-mail was queued for: the notice sweep resumes here.
CREATE TABLE termination_notices (
    termination_id TEXT    NOT NULL REFERENCES terminations (id),
    subject_id     TEXT    NOT NULL REFERENCES subjects (id),
    queued_at      INTEGER NOT NULL,
    PRIMARY KEY (termination_id, subject_id)
);

-- Public announcements (R-RET-4), bilingual.
CREATE TABLE announcements (
    id             TEXT    PRIMARY KEY,
    kind           TEXT    NOT NULL,
    title_zh       TEXT    NOT NULL,
    title_en       TEXT    NOT NULL,
    body_zh        TEXT    NOT NULL,
    body_en        TEXT    NOT NULL,
    termination_id TEXT    NOT NULL DEFAULT '',
    published_at   INTEGER NOT NULL
);
CREATE INDEX announcements_published ON announcements (published_at);

-- What anonymisation leaves (R-RET-3): the category, the generalised fields and the month.
-- No subject, tenant, token or time that could link a row back; a random key and no rowid,
-- so not even the insertion order is kept.
CREATE TABLE anonymised_records (
    id       TEXT NOT NULL PRIMARY KEY,
    category TEXT NOT NULL,
    month    TEXT NOT NULL,
    fields   TEXT NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE anonymised_records;
DROP TABLE announcements;
DROP TABLE termination_notices;
DROP TABLE termination_tenants;
DROP TABLE terminations;
DROP TABLE legal_hold_subjects;
DROP TABLE legal_holds;
ALTER TABLE tenants DROP COLUMN trial_ends_at;
ALTER TABLE tenants DROP COLUMN state_since;
ALTER TABLE tenants DROP COLUMN state;
DROP INDEX subjects_trial;
DROP INDEX subjects_state;
ALTER TABLE subjects DROP COLUMN anonymised_at;
ALTER TABLE subjects DROP COLUMN trial_ends_at;
ALTER TABLE subjects DROP COLUMN state_since;
