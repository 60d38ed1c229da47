package sqldb

import (
	"context"
	"database/sql"

	"custos.dev/custos/retention"
)

// enqueueNotices queues retention notices in the mail outbox, in the transaction that
// records them. TODO(merge main): the mail outbox (EnqueueMailTx) is not on this branch
// yet; until it is, notices are recorded (termination_notices) and announced, not mailed.
func (db *DB) enqueueNotices(ctx context.Context, tx *sql.Tx, notices []retention.Notice) error {
	_, _, _ = ctx, tx, notices
	return nil
}
