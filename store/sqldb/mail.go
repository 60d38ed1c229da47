package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/mail"
)

var _ mail.Store = (*DB)(nil)

// EnqueueMailTx queues messages in the caller's transaction, so that mail goes out if and
// only if the change that causes it commits. A message whose Key is already queued is not
// queued again. The messages are sealed with db.Mail first.
func (db *DB) EnqueueMailTx(ctx context.Context, tx *sql.Tx, msgs ...mail.Message) error {
	now := Micros(time.Now())
	for _, m := range msgs {
		q, err := mail.Seal(db.Mail, m)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO mail_outbox (id, sealed, created_at, next_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`), q.ID, q.Sealed, now, now); err != nil {
			return db.mapErr(fmt.Errorf("queue mail: %w", err))
		}
	}
	return nil
}

// EnqueueMail queues messages in a transaction of their own.
func (db *DB) EnqueueMail(ctx context.Context, msgs ...mail.Message) error {
	return db.Transact(ctx, func(tx *sql.Tx) error { return db.EnqueueMailTx(ctx, tx, msgs...) })
}

// DueMail implements mail.Store.
func (db *DB) DueMail(ctx context.Context, now time.Time, limit int) ([]mail.Queued, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT id, sealed, attempts, next_at FROM mail_outbox
		WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= ? ORDER BY next_at LIMIT ?`), Micros(now), limit)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("due mail: %w", err))
	}
	defer rows.Close()
	var out []mail.Queued
	for rows.Next() {
		var q mail.Queued
		var next int64
		if err := rows.Scan(&q.ID, &q.Sealed, &q.Attempts, &next); err != nil {
			return nil, db.mapErr(err)
		}
		q.NextAt = FromMicros(next)
		out = append(out, q)
	}
	return out, db.mapErr(rows.Err())
}

// ClaimMail implements mail.Store: a compare-and-set on (attempts, next_at).
func (db *DB) ClaimMail(ctx context.Context, q mail.Queued, until time.Time) (bool, error) {
	res, err := db.W.ExecContext(ctx, db.Q(`UPDATE mail_outbox SET next_at = ?
		WHERE id = ? AND attempts = ? AND next_at = ? AND sent_at IS NULL AND failed_at IS NULL`),
		Micros(until), q.ID, q.Attempts, Micros(q.NextAt))
	if err != nil {
		return false, db.mapErr(fmt.Errorf("claim mail: %w", err))
	}
	n, err := res.RowsAffected()
	return n == 1, db.mapErr(err)
}

// MailSent implements mail.Store. The sealed message is dropped: custos keeps no copy of
// what it sent.
func (db *DB) MailSent(ctx context.Context, id string, at time.Time) error {
	_, err := db.W.ExecContext(ctx, db.Q(`UPDATE mail_outbox SET sent_at = ?, sealed = NULL, attempts = attempts + 1, last_error = ''
		WHERE id = ?`), Micros(at), id)
	return db.mapErr(err)
}

// MailFailed implements mail.Store.
func (db *DB) MailFailed(ctx context.Context, id string, attempts int, next time.Time, reason string, at time.Time) error {
	if next.IsZero() {
		_, err := db.W.ExecContext(ctx, db.Q(`UPDATE mail_outbox SET attempts = ?, failed_at = ?, sealed = NULL, last_error = ?
			WHERE id = ?`), attempts, Micros(at), reason, id)
		return db.mapErr(err)
	}
	_, err := db.W.ExecContext(ctx, db.Q(`UPDATE mail_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?`),
		attempts, Micros(next), reason, id)
	return db.mapErr(err)
}

// MailStatus is the outbox's state for one message, for tests and operators.
type MailStatus struct {
	Attempts  int
	Sent      bool
	Failed    bool
	LastError string
}

// MailStatusOf reads one message's state by its outbox id.
func (db *DB) MailStatusOf(ctx context.Context, id string) (MailStatus, error) {
	var st MailStatus
	var sent, failed sql.NullInt64
	err := db.R.QueryRowContext(ctx, db.Q(`SELECT attempts, sent_at, failed_at, last_error FROM mail_outbox WHERE id = ?`), id).
		Scan(&st.Attempts, &sent, &failed, &st.LastError)
	if err == sql.ErrNoRows {
		return st, custos.Errorf(custos.KindNotFound, "no such queued message")
	}
	st.Sent, st.Failed = sent.Valid, failed.Valid
	return st, db.mapErr(err)
}
