package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/retention"
)

// DeclareTermination stores a termination, its tenants and its announcement.
func (db *DB) DeclareTermination(ctx context.Context, t *retention.Termination, ann *retention.Announcement, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		all := 0
		if t.AllTenants {
			all = 1
		}
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO terminations (id, service_zh, service_en, all_tenants, ends_at, declared_by, declared_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), t.ID, t.Service.ZH, t.Service.EN, all, Micros(t.EndsAt), t.DeclaredBy, Micros(t.DeclaredAt)); err != nil {
			return db.mapErr(fmt.Errorf("insert termination: %w", err))
		}
		for _, id := range t.TenantIDs {
			if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO termination_tenants (termination_id, tenant_id) VALUES (?, ?)"), t.ID, id); err != nil {
				return db.mapErr(fmt.Errorf("insert termination tenant: %w", err))
			}
		}
		if err := db.insertAnnouncement(ctx, tx, ann); err != nil {
			return err
		}
		_, err := db.AppendTx(ctx, tx, ev)
		return err
	})
}

func (db *DB) insertAnnouncement(ctx context.Context, tx *sql.Tx, a *retention.Announcement) error {
	_, err := tx.ExecContext(ctx, db.Q(`INSERT INTO announcements (id, kind, title_zh, title_en, body_zh, body_en, termination_id, published_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), a.ID, a.Kind, a.Title.ZH, a.Title.EN, a.Body.ZH, a.Body.EN, a.TerminationID, Micros(a.PublishedAt))
	return db.mapErr(err)
}

// Terminations lists terminations by date.
func (db *DB) Terminations(ctx context.Context) ([]*retention.Termination, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, service_zh, service_en, all_tenants, ends_at, declared_by, declared_at, notified_at, ended_at
		FROM terminations ORDER BY ends_at, id`)
	if err != nil {
		return nil, db.mapErr(err)
	}
	out := []*retention.Termination{}
	for rows.Next() {
		var t retention.Termination
		var all int
		var ends, declared, notified, ended int64
		if err := rows.Scan(&t.ID, &t.Service.ZH, &t.Service.EN, &all, &ends, &t.DeclaredBy, &declared, &notified, &ended); err != nil {
			rows.Close()
			return nil, db.mapErr(err)
		}
		t.AllTenants = all != 0
		t.EndsAt, t.DeclaredAt, t.NotifiedAt, t.EndedAt = FromMicros(ends), FromMicros(declared), FromMicros(notified), FromMicros(ended)
		out = append(out, &t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.mapErr(err)
	}
	for _, t := range out {
		if t.AllTenants {
			continue
		}
		if t.TenantIDs, err = db.strings(ctx, "SELECT tenant_id FROM termination_tenants WHERE termination_id = ? ORDER BY tenant_id", t.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// affectedClause is true of a subject s that the bound termination affects.
const affectedClause = `EXISTS (SELECT 1 FROM terminations t WHERE t.id = ? AND (t.all_tenants = 1 OR EXISTS
	(SELECT 1 FROM termination_tenants tt WHERE tt.termination_id = t.id AND tt.tenant_id = s.tenant_id)))`

// Unnotified lists live subjects a termination affects that were not told yet.
func (db *DB) Unnotified(ctx context.Context, terminationID string, limit int) ([]string, error) {
	return db.strings(ctx, `SELECT s.id FROM subjects s WHERE s.erased_at = 0 AND `+affectedClause+`
		AND NOT EXISTS (SELECT 1 FROM termination_notices n WHERE n.termination_id = ? AND n.subject_id = s.id)
		ORDER BY s.id LIMIT ?`, terminationID, terminationID, limit)
}

// Affected lists live subjects a termination affects in one of states.
func (db *DB) Affected(ctx context.Context, terminationID string, states []string, limit int) ([]string, error) {
	args := []any{terminationID}
	for _, s := range states {
		args = append(args, s)
	}
	return db.strings(ctx, `SELECT s.id FROM subjects s WHERE s.erased_at = 0 AND `+affectedClause+`
		AND s.state IN (`+inList(len(states))+`) ORDER BY s.id LIMIT ?`, append(args, limit)...)
}

// RecordNotices records the subjects told and queues their mail, with the events.
func (db *DB) RecordNotices(ctx context.Context, terminationID string, subjectIDs []string, notices []retention.Notice, at time.Time, evs []*auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		var done []*auditlog.Event
		for i, id := range subjectIDs {
			res, err := tx.ExecContext(ctx, db.Q(`INSERT INTO termination_notices (termination_id, subject_id, queued_at) VALUES (?, ?, ?)
				ON CONFLICT DO NOTHING`), terminationID, id, Micros(at))
			if err != nil {
				return db.mapErr(fmt.Errorf("record notice: %w", err))
			}
			if n, _ := res.RowsAffected(); n > 0 {
				done = append(done, evs[i])
			}
		}
		if err := db.enqueueNotices(ctx, tx, notices); err != nil {
			return err
		}
		_, err := db.AppendTx(ctx, tx, done...)
		return err
	})
}

// MarkNotified records that every affected subject was told.
func (db *DB) MarkNotified(ctx context.Context, terminationID string, at time.Time, ev *auditlog.Event) error {
	return db.markTermination(ctx, "notified_at", terminationID, at, ev)
}

// MarkEnded records that a termination's subjects were cancelled.
func (db *DB) MarkEnded(ctx context.Context, terminationID string, at time.Time, ev *auditlog.Event) error {
	return db.markTermination(ctx, "ended_at", terminationID, at, ev)
}

func (db *DB) markTermination(ctx context.Context, column, id string, at time.Time, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q("UPDATE terminations SET "+column+" = ? WHERE id = ? AND "+column+" = 0"), Micros(at), id)
		if err != nil {
			return db.mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = db.AppendTx(ctx, tx, ev)
		return err
	})
}

// Announcements lists announcements, newest first.
func (db *DB) Announcements(ctx context.Context, limit int) ([]*retention.Announcement, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT id, kind, title_zh, title_en, body_zh, body_en, termination_id, published_at
		FROM announcements ORDER BY published_at DESC, id LIMIT ?`), limit)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	out := []*retention.Announcement{}
	for rows.Next() {
		var a retention.Announcement
		var at int64
		if err := rows.Scan(&a.ID, &a.Kind, &a.Title.ZH, &a.Title.EN, &a.Body.ZH, &a.Body.EN, &a.TerminationID, &at); err != nil {
			return nil, db.mapErr(err)
		}
		a.PublishedAt = FromMicros(at)
		out = append(out, &a)
	}
	return out, db.mapErr(rows.Err())
}

// DestroyKeys deletes the keys of many subjects at once and scrubs them from the store's
// files; keys already gone are skipped.
func (k *Keys) DestroyKeys(ctx context.Context, subjectIDs []string) error {
	if len(subjectIDs) == 0 {
		return nil
	}
	for start := 0; start < len(subjectIDs); start += 250 {
		ids := subjectIDs[start:min(start+250, len(subjectIDs))]
		args := make([]any, 0, 3*len(ids))
		var q strings.Builder
		q.WriteString("DELETE FROM subject_keys WHERE subject_id IN (" + inList(len(ids)) + ")")
		for _, id := range ids {
			args = append(args, id)
		}
		// With each subject's key, its category keys ("<id>/<category>").
		for _, id := range ids {
			q.WriteString(" OR (subject_id >= ? AND subject_id < ?)")
			args = append(args, id+"/", id+"0")
		}
		if _, err := k.DB.W.ExecContext(ctx, k.DB.Q(q.String()), args...); err != nil {
			return k.DB.mapErr(fmt.Errorf("destroy keys: %w", err))
		}
	}
	if k.AfterDestroy != nil {
		return k.AfterDestroy(ctx)
	}
	return nil
}
