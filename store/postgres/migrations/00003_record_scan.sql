-- +goose Up
-- Free text is scanned for PI on intake (R-SUP-4): the record keeps the types found (no
-- values) and a second sealed copy with every finding replaced by its type, which the
-- purposes the policy marks "redacted" (improving support, training) read instead.
ALTER TABLE records ADD COLUMN redacted BYTEA;
ALTER TABLE records ADD COLUMN pii_found TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE records DROP COLUMN pii_found;
ALTER TABLE records DROP COLUMN redacted;
