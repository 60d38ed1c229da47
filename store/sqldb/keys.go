package sqldb

import (
	"context"
	"fmt"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/subject"
)

// Keys is the key store: wrapped data keys, in a database of their own (a separate SQLite
// file, a separate PostgreSQL schema), never in the data store.
type Keys struct {
	DB *DB
	// AfterDestroy scrubs what the engine keeps of deleted rows (SQLite: a WAL checkpoint
	// that truncates the log, secure_delete being on); nil when there is nothing to do.
	AfterDestroy func(ctx context.Context) error
}

var _ subject.KeyStore = (*Keys)(nil)

// PutKey stores a subject's wrapped key.
func (k *Keys) PutKey(ctx context.Context, subjectID string, wrapped []byte) error {
	_, err := k.DB.W.ExecContext(ctx, k.DB.Q("INSERT INTO subject_keys (subject_id, wrapped, created_at) VALUES (?, ?, ?)"),
		subjectID, wrapped, Micros(time.Now()))
	return k.DB.mapErr(err)
}

// Key reads a subject's wrapped key.
func (k *Keys) Key(ctx context.Context, subjectID string) ([]byte, error) {
	var wrapped []byte
	err := k.DB.R.QueryRowContext(ctx, k.DB.Q("SELECT wrapped FROM subject_keys WHERE subject_id = ?"), subjectID).Scan(&wrapped)
	return wrapped, k.DB.mapErr(err)
}

// DestroyKey deletes a subject's key, with the keys of its record categories
// ("<id>/<category>"), and scrubs them from the store's files.
func (k *Keys) DestroyKey(ctx context.Context, subjectID string) error {
	res, err := k.DB.W.ExecContext(ctx, k.DB.Q("DELETE FROM subject_keys WHERE subject_id = ? OR (subject_id >= ? AND subject_id < ?)"),
		subjectID, subjectID+"/", subjectID+"0")
	if err != nil {
		return k.DB.mapErr(fmt.Errorf("destroy key: %w", err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return custos.Errorf(custos.KindNotFound, "no key for this subject")
	}
	if k.AfterDestroy != nil {
		return k.AfterDestroy(ctx)
	}
	return nil
}

// AllKeys calls fn for every stored key (KEK rotation re-wraps them).
func (k *Keys) AllKeys(ctx context.Context, fn func(subjectID string, wrapped []byte) error) error {
	rows, err := k.DB.R.QueryContext(ctx, "SELECT subject_id, wrapped FROM subject_keys ORDER BY subject_id")
	if err != nil {
		return k.DB.mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var w []byte
		if err := rows.Scan(&id, &w); err != nil {
			return k.DB.mapErr(err)
		}
		if err := fn(id, w); err != nil {
			return err
		}
	}
	return k.DB.mapErr(rows.Err())
}

// ReplaceKey swaps a subject's wrapped key for a re-wrapped one, only if it is still the
// one read (a subject erased meanwhile stays erased).
func (k *Keys) ReplaceKey(ctx context.Context, subjectID string, old, wrapped []byte) error {
	_, err := k.DB.W.ExecContext(ctx, k.DB.Q("UPDATE subject_keys SET wrapped = ? WHERE subject_id = ? AND wrapped = ?"), wrapped, subjectID, old)
	return k.DB.mapErr(err)
}
