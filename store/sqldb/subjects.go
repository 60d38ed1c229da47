package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/subject"
)

var _ subject.Store = (*DB)(nil)

// CreateTenant stores a tenant and its audit event together.
func (db *DB) CreateTenant(ctx context.Context, t *subject.Tenant, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)"),
			t.ID, t.Name, Micros(t.CreatedAt)); err != nil {
			return db.mapErr(fmt.Errorf("insert tenant: %w", err))
		}
		_, err := db.AppendTx(ctx, tx, ev)
		return err
	})
}

// Tenant reads a tenant.
func (db *DB) Tenant(ctx context.Context, id string) (*subject.Tenant, error) {
	var t subject.Tenant
	var created, verified int64
	err := db.R.QueryRowContext(ctx, db.Q("SELECT id, name, real_name_subject, real_name_verified_at, created_at FROM tenants WHERE id = ?"), id).
		Scan(&t.ID, &t.Name, &t.RealNameSubject, &verified, &created)
	if err != nil {
		return nil, db.mapErr(err)
	}
	t.CreatedAt, t.RealNameVerifiedAt = FromMicros(created), FromMicros(verified)
	return &t, nil
}

// SetTenantRealName records a tenant's real-name verification.
func (db *DB) SetTenantRealName(ctx context.Context, tenantID, subjectID string, at time.Time, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q("UPDATE tenants SET real_name_subject = ?, real_name_verified_at = ? WHERE id = ?"),
			subjectID, Micros(at), tenantID)
		if err != nil {
			return db.mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return custos.Errorf(custos.KindNotFound, "no such tenant")
		}
		_, err = db.AppendTx(ctx, tx, ev)
		return err
	})
}

// CreateSubject stores a subject, its lookup tokens and its audit event together.
func (db *DB) CreateSubject(ctx context.Context, s *subject.Subject, tokens []subject.LookupToken, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO subjects (id, tenant_id, kind, state, region, profile, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), s.ID, s.TenantID, string(s.Kind), s.State, s.Region, s.Profile, Micros(s.CreatedAt)); err != nil {
			return db.mapErr(fmt.Errorf("insert subject: %w", err))
		}
		if err := db.insertTokens(ctx, tx, s.ID, tokens); err != nil {
			return err
		}
		_, err := db.AppendTx(ctx, tx, ev)
		return err
	})
}

func (db *DB) insertTokens(ctx context.Context, tx *sql.Tx, subjectID string, tokens []subject.LookupToken) error {
	for _, t := range tokens {
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO lookup_tokens (kind, token, subject_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`), t.Kind, t.Token, subjectID); err != nil {
			return db.mapErr(fmt.Errorf("insert lookup token: %w", err))
		}
	}
	return nil
}

// Subject reads a subject.
func (db *DB) Subject(ctx context.Context, id string) (*subject.Subject, error) {
	var s subject.Subject
	var kind string
	var created, erased int64
	err := db.R.QueryRowContext(ctx, db.Q("SELECT id, tenant_id, kind, state, region, profile, created_at, erased_at FROM subjects WHERE id = ?"), id).
		Scan(&s.ID, &s.TenantID, &kind, &s.State, &s.Region, &s.Profile, &created, &erased)
	if err != nil {
		return nil, db.mapErr(err)
	}
	s.Kind, s.CreatedAt, s.ErasedAt = subject.Kind(kind), FromMicros(created), FromMicros(erased)
	return &s, nil
}

// FindByToken lists the subjects with a lookup token.
func (db *DB) FindByToken(ctx context.Context, kind, token string) ([]string, error) {
	return db.strings(ctx, "SELECT subject_id FROM lookup_tokens WHERE kind = ? AND token = ? ORDER BY subject_id LIMIT 100", kind, token)
}

// PutRecord inserts or replaces a record, adds its lookup tokens and appends its event.
func (db *DB) PutRecord(ctx context.Context, r *subject.Record, tokens []subject.LookupToken, ev *auditlog.Event) (bool, error) {
	var created bool
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q("UPDATE records SET region = ?, sealed = ?, redacted = ?, pii_found = ?, key_scope = ?, updated_at = ? WHERE subject_id = ? AND category = ?"),
			r.Region, r.Sealed, r.Redacted, r.PIIFound, keyScope(r), Micros(r.UpdatedAt), r.SubjectID, r.Category)
		if err != nil {
			return db.mapErr(fmt.Errorf("update record: %w", err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			created = true
			if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO records (subject_id, category, region, sealed, redacted, pii_found, key_scope, verified_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), r.SubjectID, r.Category, r.Region, r.Sealed, r.Redacted, r.PIIFound, keyScope(r), Micros(r.VerifiedAt), Micros(r.CreatedAt), Micros(r.UpdatedAt)); err != nil {
				return db.mapErr(fmt.Errorf("insert record: %w", err))
			}
		}
		if err := db.insertTokens(ctx, tx, r.SubjectID, tokens); err != nil {
			return err
		}
		_, err = db.AppendTx(ctx, tx, ev)
		return err
	})
	return created, err
}

func keyScope(r *subject.Record) string {
	if r.KeyScope == "" {
		return subject.KeyScopeSubject
	}
	return r.KeyScope
}

// Record reads a record.
func (db *DB) Record(ctx context.Context, subjectID, category string) (*subject.Record, error) {
	r := subject.Record{SubjectID: subjectID, Category: category}
	var verified, created, updated int64
	err := db.R.QueryRowContext(ctx, db.Q("SELECT region, sealed, redacted, pii_found, key_scope, verified_at, created_at, updated_at FROM records WHERE subject_id = ? AND category = ?"),
		subjectID, category).Scan(&r.Region, &r.Sealed, &r.Redacted, &r.PIIFound, &r.KeyScope, &verified, &created, &updated)
	if err != nil {
		return nil, db.mapErr(err)
	}
	r.VerifiedAt, r.CreatedAt, r.UpdatedAt = FromMicros(verified), FromMicros(created), FromMicros(updated)
	return &r, nil
}

// SetRecordVerified marks a record verified.
func (db *DB) SetRecordVerified(ctx context.Context, subjectID, category string, at time.Time) error {
	res, err := db.W.ExecContext(ctx, db.Q("UPDATE records SET verified_at = ? WHERE subject_id = ? AND category = ?"), Micros(at), subjectID, category)
	if err != nil {
		return db.mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return custos.Errorf(custos.KindNotFound, "no such record")
	}
	return nil
}

// EraseSubject deletes a subject's records and lookup tokens, clears its sealed profile
// and marks it erased, with its audit event. The consent ledger stays: it holds no PI and
// is the evidence of what the subject agreed to.
func (db *DB) EraseSubject(ctx context.Context, id string, at time.Time, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{"DELETE FROM records WHERE subject_id = ?", "DELETE FROM lookup_tokens WHERE subject_id = ?"} {
			if _, err := tx.ExecContext(ctx, db.Q(q), id); err != nil {
				return db.mapErr(fmt.Errorf("erase subject: %w", err))
			}
		}
		res, err := tx.ExecContext(ctx, db.Q("UPDATE subjects SET state = 'erased', profile = ?, erased_at = ? WHERE id = ? AND erased_at = 0"),
			[]byte{}, Micros(at), id)
		if err != nil {
			return db.mapErr(fmt.Errorf("erase subject: %w", err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already erased
		}
		_, err = db.AppendTx(ctx, tx, ev)
		return err
	})
}
