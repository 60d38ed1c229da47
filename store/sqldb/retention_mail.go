package sqldb

import (
	"context"
	"database/sql"

	"custos.dev/custos/mail"
	"custos.dev/custos/retention"
)

// enqueueNotices queues retention notices in the mail outbox, in the transaction that
// records them: a notice is recorded if and only if its mail is queued.
func (db *DB) enqueueNotices(ctx context.Context, tx *sql.Tx, notices []retention.Notice) error {
	if len(notices) == 0 {
		return nil
	}
	msgs := make([]mail.Message, len(notices))
	for i, n := range notices {
		msgs[i] = mail.Message{To: []string{n.To}, Subject: n.Subject, Text: n.Text, Key: n.Key}
	}
	return db.EnqueueMailTx(ctx, tx, msgs...)
}
