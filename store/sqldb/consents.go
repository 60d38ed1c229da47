package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/consent"
)

var _ consent.Store = (*DB)(nil)

// AppendConsents appends ledger entries and their audit events in one transaction, in
// multi-row statements, so that a batch costs one commit.
func (db *DB) AppendConsents(ctx context.Context, entries []*consent.Entry, events []*auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if err := db.insertRows(ctx, tx, "consent_ledger (consent_id, subject_id, action, purpose, category, separate, given_by, channel, statement_version, at)",
			10, len(entries), func(i int, args []any) []any {
				e := entries[i]
				sep := 0
				if e.Separate {
					sep = 1
				}
				return append(args, e.ConsentID, e.SubjectID, string(e.Action), e.Purpose, e.Category, sep,
					string(e.GivenBy), e.Channel, e.StatementVersion, Micros(e.At))
			}); err != nil {
			return err
		}
		_, err := db.AppendTx(ctx, tx, events...)
		return err
	})
}

// ConsentHistory reads one subject's ledger through the (subject_id, seq) index: its cost
// depends on that subject's entries, not on the ledger's size.
func (db *DB) ConsentHistory(ctx context.Context, subjectID string) ([]consent.Entry, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT seq, consent_id, action, purpose, category, separate, given_by, channel, statement_version, at
		FROM consent_ledger WHERE subject_id = ? ORDER BY seq`), subjectID)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("read consents: %w", err))
	}
	defer rows.Close()
	var out []consent.Entry
	for rows.Next() {
		e := consent.Entry{SubjectID: subjectID}
		var action, givenBy string
		var sep int
		var at int64
		if err := rows.Scan(&e.Seq, &e.ConsentID, &action, &e.Purpose, &e.Category, &sep, &givenBy, &e.Channel, &e.StatementVersion, &at); err != nil {
			return nil, db.mapErr(err)
		}
		e.Action, e.GivenBy, e.Separate, e.At = consent.Action(action), consent.GivenBy(givenBy), sep != 0, FromMicros(at)
		out = append(out, e)
	}
	return out, db.mapErr(rows.Err())
}
