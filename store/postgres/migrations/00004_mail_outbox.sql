-- +goose Up
-- Outgoing mail, written in the same transaction as the change that causes it and
-- delivered by a periodic job. The message (addresses included) is sealed; once sent, only
-- the fact remains.
CREATE TABLE mail_outbox (
    id         TEXT    PRIMARY KEY,
    sealed     BYTEA,
    created_at BIGINT  NOT NULL,
    next_at    BIGINT  NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    sent_at    BIGINT,
    failed_at  BIGINT,
    last_error TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP TABLE mail_outbox;
