package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
)

var _ auth.Store = (*DB)(nil)

// CreateToken stores a token's hash and its audit event together.
func (db *DB) CreateToken(ctx context.Context, t *auth.Token, hash []byte, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO tokens (id, hash, role, tenant, label, location, created_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0)`), t.ID, hash, string(t.Role), t.Tenant, t.Label, t.Location, Micros(t.CreatedAt)); err != nil {
			return db.mapErr(fmt.Errorf("insert token: %w", err))
		}
		_, err := db.AppendTx(ctx, tx, ev)
		return err
	})
}

// TokenByHash finds a token by the hash of its secret.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (*auth.Token, error) {
	var t auth.Token
	var role string
	var created, revoked int64
	err := db.R.QueryRowContext(ctx, db.Q("SELECT id, role, tenant, label, location, created_at, revoked_at FROM tokens WHERE hash = ?"), hash).
		Scan(&t.ID, &role, &t.Tenant, &t.Label, &t.Location, &created, &revoked)
	if err != nil {
		return nil, db.mapErr(err)
	}
	t.Role, t.CreatedAt, t.RevokedAt = auth.Role(role), FromMicros(created), FromMicros(revoked)
	return &t, nil
}

// RevokeToken marks a token revoked; revoking twice is a no-op that is not audited again.
func (db *DB) RevokeToken(ctx context.Context, id string, at time.Time, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0"), Micros(at), id)
		if err != nil {
			return db.mapErr(fmt.Errorf("revoke token: %w", err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, db.Q("SELECT 1 FROM tokens WHERE id = ?"), id).Scan(&exists); err != nil {
				if custos.KindOf(db.mapErr(err)) == custos.KindNotFound {
					return custos.Errorf(custos.KindNotFound, "no such token")
				}
				return db.mapErr(err)
			}
			return nil
		}
		_, err = db.AppendTx(ctx, tx, ev)
		return err
	})
}

// ListTokens lists every token, newest first, without hashes.
func (db *DB) ListTokens(ctx context.Context) ([]auth.Token, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT id, role, tenant, label, location, created_at, revoked_at FROM tokens ORDER BY created_at DESC, id")
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		var t auth.Token
		var role string
		var created, revoked int64
		if err := rows.Scan(&t.ID, &role, &t.Tenant, &t.Label, &t.Location, &created, &revoked); err != nil {
			return nil, db.mapErr(err)
		}
		t.Role, t.CreatedAt, t.RevokedAt = auth.Role(role), FromMicros(created), FromMicros(revoked)
		out = append(out, t)
	}
	return out, db.mapErr(rows.Err())
}
