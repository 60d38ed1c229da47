-- +goose Up
-- The key store: each subject's data key, wrapped by the key-encryption key. It lives in
-- its own file, apart from the data, and deletes with secure_delete on (R-SEC-1).
CREATE TABLE subject_keys (
    subject_id TEXT    PRIMARY KEY,
    wrapped    BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE subject_keys;
