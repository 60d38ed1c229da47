-- +goose Up
-- Times are integer microseconds since the epoch (UTC) on both engines.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL
);
INSERT INTO audit_head (id, size) VALUES (1, 0);

-- One row per event: the exact Merkle leaf bytes (canonical JSON, identifiers only).
CREATE TABLE audit_events (
    idx        INTEGER PRIMARY KEY,
    leaf       BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

-- tlog stored hashes, by tlog.StoredHashIndex.
CREATE TABLE audit_hashes (
    id   INTEGER PRIMARY KEY,
    hash BLOB    NOT NULL
);

-- A signed checkpoint for every size the log has had at a commit.
CREATE TABLE audit_checkpoints (
    size       INTEGER PRIMARY KEY,
    note       BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE audit_meta (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    verifier_key TEXT    NOT NULL
);

CREATE TABLE tokens (
    id         TEXT    PRIMARY KEY,
    hash       BLOB    NOT NULL UNIQUE,
    role       TEXT    NOT NULL,
    tenant     TEXT    NOT NULL DEFAULT '',
    label      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE tokens;
DROP TABLE audit_meta;
DROP TABLE audit_checkpoints;
DROP TABLE audit_hashes;
DROP TABLE audit_events;
DROP TABLE audit_head;
