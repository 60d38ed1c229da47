package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
)

var _ auditlog.Store = (*DB)(nil)

// Append appends events that record no other change, in a transaction of their own.
func (db *DB) Append(ctx context.Context, events ...*auditlog.Event) (auditlog.SignedCheckpoint, error) {
	var cp auditlog.SignedCheckpoint
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		cp, err = db.AppendTx(ctx, tx, events...)
		return err
	})
	return cp, err
}

// AppendTx appends events inside tx, the transaction of the change they record: it takes
// the audit head's lock, gives the events the next indexes, stores their leaves and the
// tree's new stored hashes, and stores a checkpoint of the new size signed in the same
// transaction, so every committed event is covered by a signature.
func (db *DB) AppendTx(ctx context.Context, tx *sql.Tx, events ...*auditlog.Event) (auditlog.SignedCheckpoint, error) {
	if len(events) == 0 {
		return auditlog.SignedCheckpoint{}, nil
	}
	if db.Signer == nil {
		return auditlog.SignedCheckpoint{}, custos.Internal(errors.New("audit log has no signer"))
	}
	var size int64
	if err := tx.QueryRowContext(ctx, db.Q("SELECT size FROM audit_head WHERE id = 1"+db.D.ForUpdate)).Scan(&size); err != nil {
		return auditlog.SignedCheckpoint{}, db.mapErr(fmt.Errorf("audit head: %w", err))
	}
	leaves := make([][]byte, len(events))
	now := time.Now().UTC()
	for i, e := range events {
		e.Index = size + int64(i)
		if e.Time.IsZero() {
			e.Time = now
		}
		leaf, err := auditlog.EncodeLeaf(e)
		if err != nil {
			return auditlog.SignedCheckpoint{}, custos.Internal(err)
		}
		leaves[i] = leaf
	}
	ext, err := auditlog.Extend(size, leaves, tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) {
		return db.readHashes(ctx, tx, ids)
	}))
	if err != nil {
		return auditlog.SignedCheckpoint{}, db.mapErr(err)
	}
	created := Micros(now)
	if err := db.insertRows(ctx, tx, "audit_events (idx, leaf, created_at)", 3, len(leaves), func(i int, args []any) []any {
		return append(args, size+int64(i), leaves[i], created)
	}); err != nil {
		return auditlog.SignedCheckpoint{}, err
	}
	if err := db.insertRows(ctx, tx, "audit_hashes (id, hash)", 2, len(ext.Hashes), func(i int, args []any) []any {
		return append(args, ext.FirstID+int64(i), ext.Hashes[i][:])
	}); err != nil {
		return auditlog.SignedCheckpoint{}, err
	}
	if _, err := tx.ExecContext(ctx, db.Q("UPDATE audit_head SET size = ? WHERE id = 1"), ext.Size); err != nil {
		return auditlog.SignedCheckpoint{}, db.mapErr(fmt.Errorf("advance audit head: %w", err))
	}
	msg, err := db.Signer.Sign(ext.Size, ext.Root)
	if err != nil {
		return auditlog.SignedCheckpoint{}, custos.Internal(err)
	}
	if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO audit_checkpoints (size, note, created_at) VALUES (?, ?, ?)"), ext.Size, msg, created); err != nil {
		return auditlog.SignedCheckpoint{}, db.mapErr(fmt.Errorf("store checkpoint: %w", err))
	}
	return auditlog.SignedCheckpoint{Size: ext.Size, Note: msg}, nil
}

// insertRows inserts n rows of width columns in multi-row statements.
func (db *DB) insertRows(ctx context.Context, tx *sql.Tx, into string, width, n int, row func(i int, args []any) []any) error {
	const perStmt = 250
	args := make([]any, 0, perStmt*width)
	for start := 0; start < n; start += perStmt {
		end := min(start+perStmt, n)
		var b strings.Builder
		b.WriteString("INSERT INTO ")
		b.WriteString(into)
		b.WriteString(" VALUES ")
		tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
		args = args[:0]
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
			args = row(i, args)
		}
		if _, err := tx.ExecContext(ctx, db.Q(b.String()), args...); err != nil {
			return db.mapErr(fmt.Errorf("insert %s: %w", strings.Fields(into)[0], err))
		}
	}
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (db *DB) readHashes(ctx context.Context, q querier, ids []int64) ([]tlog.Hash, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, db.Q("SELECT id, hash FROM audit_hashes WHERE id IN ("+ph+")"), args...)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("read audit hashes: %w", err))
	}
	defer rows.Close()
	got := make(map[int64]tlog.Hash, len(ids))
	for rows.Next() {
		var id int64
		var h []byte
		if err := rows.Scan(&id, &h); err != nil {
			return nil, db.mapErr(err)
		}
		if len(h) != tlog.HashSize {
			return nil, custos.Internal(fmt.Errorf("audit hash %d has %d bytes", id, len(h)))
		}
		got[id] = tlog.Hash(h)
	}
	if err := rows.Err(); err != nil {
		return nil, db.mapErr(err)
	}
	out := make([]tlog.Hash, len(ids))
	for i, id := range ids {
		h, ok := got[id]
		if !ok {
			return nil, custos.Errorf(custos.KindNotFound, "audit hash %d not stored", id)
		}
		out[i] = h
	}
	return out, nil
}

// ReadHashes reads stored hashes by id.
func (db *DB) ReadHashes(ctx context.Context, ids []int64) ([]tlog.Hash, error) {
	return db.readHashes(ctx, db.R, ids)
}

// ReadLeaves reads stored events from index start, in index order.
func (db *DB) ReadLeaves(ctx context.Context, start int64, limit int) ([]auditlog.Leaf, error) {
	rows, err := db.R.QueryContext(ctx, db.Q("SELECT idx, leaf FROM audit_events WHERE idx >= ? ORDER BY idx LIMIT ?"), start, limit)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("read audit events: %w", err))
	}
	defer rows.Close()
	var out []auditlog.Leaf
	for rows.Next() {
		var l auditlog.Leaf
		if err := rows.Scan(&l.Index, &l.Data); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, l)
	}
	return out, db.mapErr(rows.Err())
}

// ReadStoredHashes reads stored hashes from id start, in id order.
func (db *DB) ReadStoredHashes(ctx context.Context, start int64, limit int) ([]auditlog.StoredHash, error) {
	rows, err := db.R.QueryContext(ctx, db.Q("SELECT id, hash FROM audit_hashes WHERE id >= ? ORDER BY id LIMIT ?"), start, limit)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("read audit hashes: %w", err))
	}
	defer rows.Close()
	var out []auditlog.StoredHash
	for rows.Next() {
		var s auditlog.StoredHash
		var h []byte
		if err := rows.Scan(&s.ID, &h); err != nil {
			return nil, db.mapErr(err)
		}
		copy(s.Hash[:], h) // a short or long stored hash fails verification, as it should
		if len(h) != tlog.HashSize {
			s.Hash = tlog.Hash{}
		}
		out = append(out, s)
	}
	return out, db.mapErr(rows.Err())
}

// ReadCheckpoints reads signed checkpoints of sizes above after, by size.
func (db *DB) ReadCheckpoints(ctx context.Context, after int64, limit int) ([]auditlog.SignedCheckpoint, error) {
	rows, err := db.R.QueryContext(ctx, db.Q("SELECT size, note FROM audit_checkpoints WHERE size > ? ORDER BY size LIMIT ?"), after, limit)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("read checkpoints: %w", err))
	}
	defer rows.Close()
	var out []auditlog.SignedCheckpoint
	for rows.Next() {
		var c auditlog.SignedCheckpoint
		if err := rows.Scan(&c.Size, &c.Note); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, c)
	}
	return out, db.mapErr(rows.Err())
}

// Latest returns the newest signed checkpoint. An empty log gets a freshly signed
// checkpoint of size 0, which is not stored.
func (db *DB) Latest(ctx context.Context) (auditlog.SignedCheckpoint, error) {
	var c auditlog.SignedCheckpoint
	err := db.R.QueryRowContext(ctx, "SELECT size, note FROM audit_checkpoints ORDER BY size DESC LIMIT 1").Scan(&c.Size, &c.Note)
	if errors.Is(err, sql.ErrNoRows) {
		if db.Signer == nil {
			return c, custos.Internal(errors.New("audit log has no signer"))
		}
		msg, err := db.Signer.Sign(0, tlog.Hash(emptyRoot()))
		return auditlog.SignedCheckpoint{Size: 0, Note: msg}, err
	}
	return c, db.mapErr(err)
}

// CheckAuditKey records the log's verifier key on first use and refuses a signer whose key
// differs, so that instances sharing one database cannot sign with different keys.
func (db *DB) CheckAuditKey(ctx context.Context) error {
	if db.Signer == nil {
		return nil
	}
	return db.Transact(ctx, func(tx *sql.Tx) error {
		var vkey string
		err := tx.QueryRowContext(ctx, "SELECT verifier_key FROM audit_meta WHERE id = 1").Scan(&vkey)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.ExecContext(ctx, db.Q("INSERT INTO audit_meta (id, verifier_key) VALUES (1, ?)"), db.Signer.VerifierKey())
			return db.mapErr(err)
		}
		if err != nil {
			return db.mapErr(err)
		}
		if vkey != db.Signer.VerifierKey() {
			return custos.Errorf(custos.KindConflict, "this database's audit log is signed with key %s, not %s: give every instance the same --audit-key", vkey, db.Signer.VerifierKey())
		}
		return nil
	})
}

// VerifierKey is the key stored with the log (what audit verify checks against).
func (db *DB) VerifierKey(ctx context.Context) (string, error) {
	var vkey string
	err := db.R.QueryRowContext(ctx, "SELECT verifier_key FROM audit_meta WHERE id = 1").Scan(&vkey)
	return vkey, db.mapErr(err)
}
