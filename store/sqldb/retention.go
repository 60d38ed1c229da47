package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/retention"
	"custos.dev/custos/subject"
)

var _ retention.Store = (*DB)(nil)

// SubjectState reads a subject's lifecycle.
func (db *DB) SubjectState(ctx context.Context, id string) (*retention.SubjectState, error) {
	var s retention.SubjectState
	var since, trial, erased, anon int64
	err := db.R.QueryRowContext(ctx, db.Q(`SELECT id, tenant_id, state, state_since, trial_ends_at, erased_at, anonymised_at
		FROM subjects WHERE id = ?`), id).Scan(&s.ID, &s.TenantID, &s.State, &since, &trial, &erased, &anon)
	if err != nil {
		return nil, db.mapErr(err)
	}
	s.Since, s.TrialEndsAt, s.ErasedAt, s.AnonymisedAt = FromMicros(since), FromMicros(trial), FromMicros(erased), FromMicros(anon)
	return &s, nil
}

// TenantState reads a tenant's lifecycle.
func (db *DB) TenantState(ctx context.Context, id string) (*retention.TenantState, error) {
	var t retention.TenantState
	var since, trial int64
	err := db.R.QueryRowContext(ctx, db.Q("SELECT id, state, state_since, trial_ends_at FROM tenants WHERE id = ?"), id).
		Scan(&t.ID, &t.State, &since, &trial)
	if err != nil {
		return nil, db.mapErr(err)
	}
	t.Since, t.TrialEndsAt = FromMicros(since), FromMicros(trial)
	return &t, nil
}

func inList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// Transition moves a subject if it is in one of the given states, with its event.
func (db *DB) Transition(ctx context.Context, t retention.Transition) (bool, error) {
	var moved bool
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		args := []any{t.To, Micros(t.At), Micros(t.TrialEndsAt), t.SubjectID}
		for _, f := range t.From {
			args = append(args, f)
		}
		res, err := tx.ExecContext(ctx, db.Q(`UPDATE subjects SET state = ?, state_since = ?, trial_ends_at = ?
			WHERE id = ? AND erased_at = 0 AND state IN (`+inList(len(t.From))+`)`), args...)
		if err != nil {
			return db.mapErr(fmt.Errorf("subject transition: %w", err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		moved = true
		_, err = db.AppendTx(ctx, tx, t.Event)
		return err
	})
	return moved, err
}

// TransitionTenant moves a tenant and its subjects in the given states, in one
// transaction, with an event for the tenant and one per subject moved.
func (db *DB) TransitionTenant(ctx context.Context, t retention.TenantTransition) (int, error) {
	var moved int
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		moved = 0
		args := []any{t.TenantID}
		for _, f := range t.From {
			args = append(args, f)
		}
		rows, err := tx.QueryContext(ctx, db.Q(`SELECT id FROM subjects WHERE tenant_id = ? AND erased_at = 0
			AND state IN (`+inList(len(t.From))+`) ORDER BY id`), args...)
		if err != nil {
			return db.mapErr(err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return db.mapErr(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return db.mapErr(err)
		}
		res, err := tx.ExecContext(ctx, db.Q("UPDATE tenants SET state = ?, state_since = ?, trial_ends_at = ? WHERE id = ?"),
			t.To, Micros(t.At), Micros(t.TrialEndsAt), t.TenantID)
		if err != nil {
			return db.mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return custos.Errorf(custos.KindNotFound, "no such tenant")
		}
		evs := []*auditlog.Event{t.Event}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, db.Q("UPDATE subjects SET state = ?, state_since = ?, trial_ends_at = ? WHERE id = ?"),
				t.To, Micros(t.At), Micros(t.TrialEndsAt), id); err != nil {
				return db.mapErr(err)
			}
			evs = append(evs, t.SubjectEvent(id))
		}
		moved = len(ids)
		t.Event.Details = withDetail(t.Event.Details, "subjects", fmt.Sprint(moved))
		_, err = db.AppendTx(ctx, tx, evs...)
		return err
	})
	return moved, err
}

func withDetail(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// PlaceHold stores a legal hold and its subjects.
func (db *DB) PlaceHold(ctx context.Context, h *retention.Hold, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO legal_holds (id, reason, placed_by, placed_at, ends_at) VALUES (?, ?, ?, ?, ?)"),
			h.ID, h.Reason, h.PlacedBy, Micros(h.PlacedAt), Micros(h.EndsAt)); err != nil {
			return db.mapErr(fmt.Errorf("insert legal hold: %w", err))
		}
		for _, id := range h.SubjectIDs {
			if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO legal_hold_subjects (hold_id, subject_id) VALUES (?, ?)"), h.ID, id); err != nil {
				return db.mapErr(fmt.Errorf("insert legal hold subject: %w", err))
			}
		}
		_, err := db.AppendTx(ctx, tx, ev)
		return err
	})
}

// LiftHold lifts a hold that is not lifted yet.
func (db *DB) LiftHold(ctx context.Context, id string, at time.Time, ev *auditlog.Event) (bool, error) {
	var lifted bool
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q("UPDATE legal_holds SET lifted_at = ? WHERE id = ? AND lifted_at = 0"), Micros(at), id)
		if err != nil {
			return db.mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		lifted = true
		_, err = db.AppendTx(ctx, tx, ev)
		return err
	})
	return lifted, err
}

// Hold reads a hold.
func (db *DB) Hold(ctx context.Context, id string) (*retention.Hold, error) {
	hs, err := db.holds(ctx, "WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, custos.Errorf(custos.KindNotFound, "no such legal hold")
	}
	return hs[0], nil
}

// Holds lists holds in force at at, or all.
func (db *DB) Holds(ctx context.Context, at time.Time, all bool) ([]*retention.Hold, error) {
	if all {
		return db.holds(ctx, "")
	}
	return db.holds(ctx, "WHERE lifted_at = 0 AND ends_at > ?", Micros(at))
}

func (db *DB) holds(ctx context.Context, where string, args ...any) ([]*retention.Hold, error) {
	rows, err := db.R.QueryContext(ctx, db.Q("SELECT id, reason, placed_by, placed_at, ends_at, lifted_at FROM legal_holds "+where+" ORDER BY placed_at, id"), args...)
	if err != nil {
		return nil, db.mapErr(err)
	}
	out := []*retention.Hold{}
	for rows.Next() {
		var h retention.Hold
		var placed, ends, lifted int64
		if err := rows.Scan(&h.ID, &h.Reason, &h.PlacedBy, &placed, &ends, &lifted); err != nil {
			rows.Close()
			return nil, db.mapErr(err)
		}
		h.PlacedAt, h.EndsAt, h.LiftedAt = FromMicros(placed), FromMicros(ends), FromMicros(lifted)
		out = append(out, &h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.mapErr(err)
	}
	for _, h := range out {
		ids, err := db.strings(ctx, "SELECT subject_id FROM legal_hold_subjects WHERE hold_id = ? ORDER BY subject_id", h.ID)
		if err != nil {
			return nil, err
		}
		h.SubjectIDs = ids
	}
	return out, nil
}

// strings runs a query of one text column on the read pool and returns its
// values (an empty, not nil, slice when there are none).
func (db *DB) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(q), args...)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, s)
	}
	return out, db.mapErr(rows.Err())
}

// heldClause is true of a subject s under a legal hold in force at the bound time.
const heldClause = `EXISTS (SELECT 1 FROM legal_hold_subjects hs JOIN legal_holds h ON h.id = hs.hold_id
	WHERE hs.subject_id = s.id AND h.lifted_at = 0 AND h.ends_at > ?)`

// clockColumn is where a state's retention clock starts.
func clockColumn(state string) (string, error) {
	switch state {
	case retention.StateCancelled:
		return "s.state_since", nil
	case retention.StateTrial:
		return "s.trial_ends_at", nil
	case retention.StateActive:
		return "r.updated_at", nil
	}
	return "", custos.Internal(fmt.Errorf("no retention clock for state %q", state))
}

// DueRecords finds records whose clock started at or before the query's bound, in clock
// order, one page at a time.
func (db *DB) DueRecords(ctx context.Context, q retention.DueQuery) ([]retention.DueRecord, error) {
	clock, err := clockColumn(q.State)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	args := []any{Micros(q.At)}
	fmt.Fprintf(&b, `SELECT s.id, s.tenant_id, %s, r.updated_at, %s FROM records r JOIN subjects s ON s.id = r.subject_id
		WHERE r.category = ? AND s.state = ? AND s.erased_at = 0 AND %s <= ?`, clock, heldClause, clock)
	args = append(args, q.Category, q.State, Micros(q.ClockBefore))
	if q.State == retention.StateTrial {
		b.WriteString(" AND s.trial_ends_at > 0")
	}
	if !q.UpdatedBefore.IsZero() {
		b.WriteString(" AND r.updated_at <= ?")
		args = append(args, Micros(q.UpdatedBefore))
	}
	if q.SubjectID != "" {
		b.WriteString(" AND s.id = ?")
		args = append(args, q.SubjectID)
	}
	if !q.IncludeHeld {
		b.WriteString(" AND NOT " + heldClause)
		args = append(args, Micros(q.At))
	}
	if q.AfterSubject != "" {
		// A row value, so that both engines seek the (state, clock, id) index to it.
		fmt.Fprintf(&b, " AND (%s, s.id) > (?, ?)", clock)
		args = append(args, Micros(q.AfterClock), q.AfterSubject)
	}
	fmt.Fprintf(&b, " ORDER BY %s, s.id LIMIT ?", clock)
	args = append(args, q.Limit)
	rows, err := db.R.QueryContext(ctx, db.Q(b.String()), args...)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("due records: %w", err))
	}
	defer rows.Close()
	var out []retention.DueRecord
	for rows.Next() {
		d := retention.DueRecord{Category: q.Category, State: q.State}
		var c, u int64
		var held bool
		if err := rows.Scan(&d.SubjectID, &d.TenantID, &c, &u, &held); err != nil {
			return nil, db.mapErr(err)
		}
		d.Clock, d.UpdatedAt, d.Held = FromMicros(c), FromMicros(u), held
		out = append(out, d)
	}
	return out, db.mapErr(rows.Err())
}

// DueSubjects finds live subjects, cancelled or with an ended trial, that have no records
// left and are not held: cancelled ones first, each kind in the order of its index.
func (db *DB) DueSubjects(ctx context.Context, now time.Time, limit int) ([]retention.DueSubject, error) {
	out, err := db.dueSubjects(ctx, `s.state = 'cancelled' ORDER BY s.state_since, s.id`, now, limit)
	if err != nil || len(out) == limit {
		return out, err
	}
	more, err := db.dueSubjects(ctx, `s.state = 'trial' AND s.trial_ends_at > 0 AND s.trial_ends_at <= ? ORDER BY s.trial_ends_at, s.id`, now, limit-len(out), Micros(now))
	return append(out, more...), err
}

func (db *DB) dueSubjects(ctx context.Context, where string, now time.Time, limit int, args ...any) ([]retention.DueSubject, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT s.id, s.tenant_id, s.state, s.anonymised_at, s.state_since FROM subjects s
		WHERE s.erased_at = 0 AND NOT EXISTS (SELECT 1 FROM records r WHERE r.subject_id = s.id)
		AND NOT `+heldClause+` AND `+where+` LIMIT ?`), append(append([]any{Micros(now)}, args...), limit)...)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("due subjects: %w", err))
	}
	defer rows.Close()
	var out []retention.DueSubject
	for rows.Next() {
		var d retention.DueSubject
		var anon, since int64
		if err := rows.Scan(&d.SubjectID, &d.TenantID, &d.State, &anon, &since); err != nil {
			return nil, db.mapErr(err)
		}
		d.Anonymised, d.ClockStarted = anon != 0, FromMicros(since)
		out = append(out, d)
	}
	return out, db.mapErr(rows.Err())
}

// deleteDue deletes due records of one category and state in one statement, each only if
// its subject is still in that state and not held at at, and returns the subjects whose
// record it deleted.
func (db *DB) deleteDue(ctx context.Context, tx *sql.Tx, category, state string, ids []string, at time.Time) (map[string]bool, error) {
	args := []any{category}
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, state, Micros(at))
	rows, err := tx.QueryContext(ctx, db.Q(`DELETE FROM records WHERE category = ? AND subject_id IN (`+inList(len(ids))+`)
		AND subject_id IN (SELECT s.id FROM subjects s WHERE s.id = records.subject_id AND s.state = ? AND s.erased_at = 0 AND NOT `+heldClause+`)
		RETURNING subject_id`), args...)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("delete records: %w", err))
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, db.mapErr(err)
		}
		done[id] = true
	}
	return done, db.mapErr(rows.Err())
}

// groups splits due records by category and state, keeping their indexes.
func groups(recs []retention.DueRecord) map[[2]string][]int {
	g := map[[2]string][]int{}
	for i, d := range recs {
		k := [2]string{d.Category, d.State}
		g[k] = append(g[k], i)
	}
	return g
}

// deleteGroups deletes every group of due records and returns the indexes deleted.
func (db *DB) deleteGroups(ctx context.Context, tx *sql.Tx, recs []retention.DueRecord, at time.Time) ([]int, error) {
	var deleted []int
	for k, idx := range groups(recs) {
		ids := make([]string, len(idx))
		for j, i := range idx {
			ids[j] = recs[i].SubjectID
		}
		done, err := db.deleteDue(ctx, tx, k[0], k[1], ids, at)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			if done[recs[i].SubjectID] {
				deleted = append(deleted, i)
			}
		}
	}
	keys := make([]string, len(deleted))
	for j, i := range deleted {
		keys[j] = subject.CategoryKeyID(recs[i].SubjectID, recs[i].Category)
	}
	return deleted, db.queueKeyDestructions(ctx, tx, keys, at)
}

// queueKeyDestructions records, in the deletion's own transaction, the category keys the
// sweep must destroy next.
func (db *DB) queueKeyDestructions(ctx context.Context, tx *sql.Tx, keys []string, at time.Time) error {
	for start := 0; start < len(keys); start += 500 {
		part := keys[start:min(start+500, len(keys))]
		var q strings.Builder
		q.WriteString("INSERT INTO pending_key_destructions (key_id, created_at) VALUES ")
		args := make([]any, 0, 2*len(part))
		for i, k := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?)")
			args = append(args, k, Micros(at))
		}
		q.WriteString(" ON CONFLICT (key_id) DO NOTHING")
		if _, err := tx.ExecContext(ctx, db.Q(q.String()), args...); err != nil {
			return db.mapErr(fmt.Errorf("queue key destructions: %w", err))
		}
	}
	return nil
}

// PendingKeyDestructions lists keys whose records are deleted and that are still to be
// destroyed.
func (db *DB) PendingKeyDestructions(ctx context.Context, limit int) ([]string, error) {
	return db.strings(ctx, "SELECT key_id FROM pending_key_destructions ORDER BY key_id LIMIT ?", limit)
}

// KeysDestroyed clears keys from the pending list once the key store destroyed them.
func (db *DB) KeysDestroyed(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	_, err := db.W.ExecContext(ctx, db.Q("DELETE FROM pending_key_destructions WHERE key_id IN ("+inList(len(keys))+")"), args...)
	return db.mapErr(err)
}

// DeleteRecords deletes due records, with the events of those deleted, in one transaction.
func (db *DB) DeleteRecords(ctx context.Context, recs []retention.DueRecord, at time.Time, evs []*auditlog.Event) (int, error) {
	var n int
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		deleted, err := db.deleteGroups(ctx, tx, recs, at)
		if err != nil {
			return err
		}
		done := make([]*auditlog.Event, len(deleted))
		for j, i := range deleted {
			done[j] = evs[i]
		}
		n = len(done)
		_, err = db.AppendTx(ctx, tx, done...)
		return err
	})
	return n, err
}

// AnonymiseRecords deletes due records and stores what anonymisation keeps of those
// deleted, in random order, with their events, in one transaction.
func (db *DB) AnonymiseRecords(ctx context.Context, recs []retention.DueRecord, out []retention.Anonymised, at time.Time, evs []*auditlog.Event) (int, error) {
	var n int
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		deleted, err := db.deleteGroups(ctx, tx, recs, at)
		if err != nil || len(deleted) == 0 {
			return err
		}
		done := make([]*auditlog.Event, len(deleted))
		keep := make([]retention.Anonymised, len(deleted))
		ids := make([]any, 0, len(deleted)+1)
		ids = append(ids, Micros(at))
		for j, i := range deleted {
			done[j], keep[j] = evs[i], out[i]
			ids = append(ids, recs[i].SubjectID)
		}
		if _, err := tx.ExecContext(ctx, db.Q("UPDATE subjects SET anonymised_at = ? WHERE anonymised_at = 0 AND id IN ("+inList(len(ids)-1)+")"), ids...); err != nil {
			return db.mapErr(err)
		}
		// Random order: the table keeps no trace of which subject's record came first.
		rand.Shuffle(len(keep), func(i, j int) { keep[i], keep[j] = keep[j], keep[i] })
		if err := db.insertRows(ctx, tx, "anonymised_records (id, category, month, fields)", 4, len(keep), func(i int, args []any) []any {
			fields, _ := json.Marshal(keep[i].Fields)
			return append(args, keep[i].ID, keep[i].Category, keep[i].Month, string(fields))
		}); err != nil {
			return err
		}
		n = len(done)
		_, err = db.AppendTx(ctx, tx, done...)
		return err
	})
	return n, err
}

// FinishSubjects removes what is left of subjects whose keys are destroyed: lookup
// tokens and the sealed profile; each is marked erased, or anonymised if some of its data
// left as anonymised records, if it is still cancelled or past its trial, has no records
// and is not held.
func (db *DB) FinishSubjects(ctx context.Context, subs []retention.DueSubject, at time.Time, evs []*auditlog.Event) (int, error) {
	var n int
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		n = 0
		if len(subs) == 0 {
			return nil
		}
		byID := make(map[string]*auditlog.Event, len(subs))
		args := []any{[]byte{}, Micros(at)}
		for i, d := range subs {
			byID[d.SubjectID] = evs[i]
			args = append(args, d.SubjectID)
		}
		args = append(args, Micros(at), Micros(at))
		rows, err := tx.QueryContext(ctx, db.Q(`UPDATE subjects SET
			state = CASE WHEN anonymised_at <> 0 THEN 'anonymised' ELSE 'erased' END, profile = ?, erased_at = ?
			WHERE id IN (`+inList(len(subs))+`) AND erased_at = 0
			AND (state = 'cancelled' OR (state = 'trial' AND trial_ends_at > 0 AND trial_ends_at <= ?))
			AND NOT EXISTS (SELECT 1 FROM records r WHERE r.subject_id = subjects.id)
			AND NOT EXISTS (SELECT 1 FROM legal_hold_subjects hs JOIN legal_holds h ON h.id = hs.hold_id
				WHERE hs.subject_id = subjects.id AND h.lifted_at = 0 AND h.ends_at > ?)
			RETURNING id`), args...)
		if err != nil {
			return db.mapErr(fmt.Errorf("finish subjects: %w", err))
		}
		var done []*auditlog.Event
		var ids []any
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return db.mapErr(err)
			}
			done = append(done, byID[id])
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return db.mapErr(err)
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, db.Q("DELETE FROM lookup_tokens WHERE subject_id IN ("+inList(len(ids))+")"), ids...); err != nil {
			return db.mapErr(fmt.Errorf("finish subjects: %w", err))
		}
		// Events in the order the sweep made them, whatever order the engine returned.
		order := make(map[*auditlog.Event]int, len(evs))
		for i, ev := range evs {
			order[ev] = i
		}
		slices.SortFunc(done, func(a, b *auditlog.Event) int { return order[a] - order[b] })
		n = len(done)
		_, err = db.AppendTx(ctx, tx, done...)
		return err
	})
	return n, err
}

// AnonymisedRecords lists anonymised records of a category ("" for all).
func (db *DB) AnonymisedRecords(ctx context.Context, category string, limit int) ([]retention.Anonymised, error) {
	q, args := "SELECT id, category, month, fields FROM anonymised_records", []any{}
	if category != "" {
		q += " WHERE category = ?"
		args = append(args, category)
	}
	rows, err := db.R.QueryContext(ctx, db.Q(q+" ORDER BY id LIMIT ?"), append(args, limit)...)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	out := []retention.Anonymised{}
	for rows.Next() {
		var a retention.Anonymised
		var fields string
		if err := rows.Scan(&a.ID, &a.Category, &a.Month, &fields); err != nil {
			return nil, db.mapErr(err)
		}
		if err := json.Unmarshal([]byte(fields), &a.Fields); err != nil {
			return nil, custos.Internal(err)
		}
		out = append(out, a)
	}
	return out, db.mapErr(rows.Err())
}
