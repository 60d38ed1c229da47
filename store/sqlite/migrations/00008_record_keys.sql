-- +goose Up
-- Each category of a subject's records is sealed under a data key of its own, so that a
-- category whose retention period ends is deleted by destroying its key (R-RET-3), while the
-- subject's other categories stay readable. key_scope says which key sealed a record:
-- 'category' (the key "<subject id>/<category>") or 'subject' (the subject's own key, for
-- records written before this migration; rewritten under a category key on their next write).
ALTER TABLE records ADD COLUMN key_scope TEXT NOT NULL DEFAULT 'subject';

-- Keys whose records are gone and that are still to be destroyed: written in the same
-- transaction as the deletion, drained by the retention sweep (a crash in between leaves the
-- row, and the next sweep destroys the key).
CREATE TABLE pending_key_destructions (
    key_id     TEXT   PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE pending_key_destructions;
ALTER TABLE records DROP COLUMN key_scope;
