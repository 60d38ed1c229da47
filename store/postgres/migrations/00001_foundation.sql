-- +goose Up
-- Times are integer microseconds since the epoch (UTC) on both engines.
CREATE TABLE audit_head (
    id   SMALLINT PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL
);
INSERT INTO audit_head (id, size) VALUES (1, 0);

-- One row per event: the exact Merkle leaf bytes (canonical JSON, identifiers only).
CREATE TABLE audit_events (
    idx        BIGINT PRIMARY KEY,
    leaf       BYTEA    NOT NULL,
    created_at BIGINT NOT NULL
);

-- tlog stored hashes, by tlog.StoredHashIndex.
CREATE TABLE audit_hashes (
    id   BIGINT PRIMARY KEY,
    hash BYTEA    NOT NULL
);

-- A signed checkpoint for every size the log has had at a commit.
CREATE TABLE audit_checkpoints (
    size       BIGINT PRIMARY KEY,
    note       BYTEA    NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE audit_meta (
    id           SMALLINT PRIMARY KEY CHECK (id = 1),
    verifier_key TEXT    NOT NULL
);

CREATE TABLE tokens (
    id         TEXT    PRIMARY KEY,
    hash       BYTEA    NOT NULL UNIQUE,
    role       TEXT    NOT NULL,
    tenant     TEXT    NOT NULL DEFAULT '',
    label      TEXT    NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE tokens;
DROP TABLE audit_meta;
DROP TABLE audit_checkpoints;
DROP TABLE audit_hashes;
DROP TABLE audit_events;
DROP TABLE audit_head;
