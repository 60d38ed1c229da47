-- +goose Up
-- The key store: each subject's data key, wrapped by the key-encryption key. It lives in
-- its own schema (or database), apart from the data (R-SEC-1).
CREATE TABLE subject_keys (
    subject_id TEXT    PRIMARY KEY,
    wrapped    BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE subject_keys;
