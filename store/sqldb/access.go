package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/access"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/mail"
	"custos.dev/custos/subject"
)

var _ access.Store = (*DB)(nil)

// catList stores category names as ",a,b," so that LIKE '%,a,%' matches one exactly.
func catList(names []string) string { return "," + strings.Join(names, ",") + "," }

func parseCats(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

const requestCols = `id, tenant_id, requester_token, requester, entity, country, ticket, categories, purpose,
	justification, duration_s, transfer_mechanism, transfer_reference, transfer_exemption, consent_basis,
	consent_reference, recipient_name, recipient_contact, second_approval, state, created_at, pending_until,
	customer_approver, customer_approved_at, operator_approver, operator_approved_at, starts_at, expires_at,
	ended_at, end_reason, ended_by, version`

type scanner interface{ Scan(dest ...any) error }

func scanRequest(row scanner) (*access.Request, error) {
	var r access.Request
	var cats, mech, ref, exempt, basis, cref, rname, rcontact, state string
	var dur int64
	var second int
	var created, pending, capp, oapp, starts, expires, ended int64
	if err := row.Scan(&r.ID, &r.TenantID, &r.RequesterToken, &r.Requester, &r.Entity, &r.Country, &r.Ticket, &cats,
		&r.Purpose, &r.Justification, &dur, &mech, &ref, &exempt, &basis, &cref, &rname, &rcontact, &second, &state,
		&created, &pending, &r.CustomerApprover, &capp, &r.OperatorApprover, &oapp, &starts, &expires, &ended,
		&r.EndReason, &r.EndedBy, &r.Version); err != nil {
		return nil, err
	}
	r.Categories, r.Duration, r.SecondApproval, r.State = parseCats(cats), time.Duration(dur)*time.Second, second != 0, access.State(state)
	if mech != "" {
		r.Transfer = &access.Transfer{Mechanism: mech, Reference: ref, Exemption: exempt}
	}
	if basis != "" {
		r.Consent = &access.Consent{Basis: basis, Reference: cref}
	}
	if rname != "" || rcontact != "" {
		r.Recipient = &access.Recipient{Name: rname, Contact: rcontact}
	}
	r.CreatedAt, r.PendingUntil, r.CustomerApprovedAt, r.OperatorApprovedAt = FromMicros(created), FromMicros(pending), FromMicros(capp), FromMicros(oapp)
	r.StartsAt, r.ExpiresAt, r.EndedAt = FromMicros(starts), FromMicros(expires), FromMicros(ended)
	return &r, nil
}

// appendChange appends ev and then the history entry that points at it.
func (db *DB) appendChange(ctx context.Context, tx *sql.Tx, requestID string, ch *access.Change, msgs []mail.Message, ev *auditlog.Event) error {
	if len(msgs) > 0 {
		if err := db.EnqueueMailTx(ctx, tx, msgs...); err != nil {
			return err
		}
	}
	if _, err := db.AppendTx(ctx, tx, ev); err != nil {
		return err
	}
	ch.AuditIndex = ev.Index
	if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO access_request_history (request_id, at, actor, role, action, state, reason, audit_index)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), requestID, Micros(ch.At), ch.Actor, ch.Role, ch.Action, string(ch.State), ch.Reason, ch.AuditIndex); err != nil {
		return db.mapErr(fmt.Errorf("access history: %w", err))
	}
	return nil
}

// CreateAccessRequest stores a new request with its first history entry, mail and event.
func (db *DB) CreateAccessRequest(ctx context.Context, r *access.Request, ch *access.Change, msgs []mail.Message, ev *auditlog.Event) error {
	var mech, ref, exempt, basis, cref, rname, rcontact string
	if r.Transfer != nil {
		mech, ref, exempt = r.Transfer.Mechanism, r.Transfer.Reference, r.Transfer.Exemption
	}
	if r.Consent != nil {
		basis, cref = r.Consent.Basis, r.Consent.Reference
	}
	if r.Recipient != nil {
		rname, rcontact = r.Recipient.Name, r.Recipient.Contact
	}
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO access_requests (id, tenant_id, requester_token, requester, entity,
			country, ticket, categories, purpose, justification, duration_s, transfer_mechanism, transfer_reference,
			transfer_exemption, consent_basis, consent_reference, recipient_name, recipient_contact, second_approval,
			state, created_at, pending_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			r.ID, r.TenantID, r.RequesterToken, r.Requester, r.Entity, r.Country, r.Ticket, catList(r.Categories), r.Purpose,
			r.Justification, int64(r.Duration/time.Second), mech, ref, exempt, basis, cref, rname, rcontact, b2i(r.SecondApproval),
			string(r.State), Micros(r.CreatedAt), Micros(r.PendingUntil)); err != nil {
			return db.mapErr(fmt.Errorf("insert access request: %w", err))
		}
		return db.appendChange(ctx, tx, r.ID, ch, msgs, ev)
	})
}

// AccessRequest reads a request and its history.
func (db *DB) AccessRequest(ctx context.Context, id string) (*access.Request, error) {
	r, err := scanRequest(db.R.QueryRowContext(ctx, db.Q("SELECT "+requestCols+" FROM access_requests WHERE id = ?"), id))
	if err != nil {
		if custos.KindOf(db.mapErr(err)) == custos.KindNotFound {
			return nil, custos.Errorf(custos.KindNotFound, "no such access request")
		}
		return nil, db.mapErr(err)
	}
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT seq, at, actor, role, action, state, reason, audit_index
		FROM access_request_history WHERE request_id = ? ORDER BY seq`), id)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c access.Change
		var at int64
		var state string
		if err := rows.Scan(&c.Seq, &at, &c.Actor, &c.Role, &c.Action, &state, &c.Reason, &c.AuditIndex); err != nil {
			return nil, db.mapErr(err)
		}
		c.At, c.State = FromMicros(at), access.State(state)
		r.History = append(r.History, c)
	}
	return r, db.mapErr(rows.Err())
}

// AccessRequests lists requests, newest first, without their histories.
func (db *DB) AccessRequests(ctx context.Context, f access.Filter) ([]access.Request, error) {
	var where []string
	var args []any
	if f.TenantID != "" {
		where, args = append(where, "tenant_id = ?"), append(args, f.TenantID)
	}
	if f.RequesterToken != "" {
		where, args = append(where, "requester_token = ?"), append(args, f.RequesterToken)
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	q := "SELECT " + requestCols + " FROM access_requests"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT %d", f.Limit)
	rows, err := db.R.QueryContext(ctx, db.Q(q), args...)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []access.Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, *r)
	}
	return out, db.mapErr(rows.Err())
}

// UpdateAccessRequest implements access.Store: a change applies only to the version it read.
func (db *DB) UpdateAccessRequest(ctx context.Context, r *access.Request, ch *access.Change, grantsChanged bool, msgs []mail.Message, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q(`UPDATE access_requests SET state = ?, customer_approver = ?, customer_approved_at = ?,
			operator_approver = ?, operator_approved_at = ?, starts_at = ?, expires_at = ?, ended_at = ?, end_reason = ?,
			ended_by = ?, version = version + 1 WHERE id = ? AND version = ?`),
			string(r.State), r.CustomerApprover, Micros(r.CustomerApprovedAt), r.OperatorApprover, Micros(r.OperatorApprovedAt),
			Micros(r.StartsAt), Micros(r.ExpiresAt), Micros(r.EndedAt), r.EndReason, r.EndedBy, r.ID, r.Version)
		if err != nil {
			return db.mapErr(fmt.Errorf("update access request: %w", err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return custos.Errorf(custos.KindConflict, "the access request changed meanwhile; read it again")
		}
		if grantsChanged {
			if _, err := tx.ExecContext(ctx, "UPDATE access_version SET v = v + 1 WHERE id = 1"); err != nil {
				return db.mapErr(fmt.Errorf("access version: %w", err))
			}
		}
		if err := db.appendChange(ctx, tx, r.ID, ch, msgs, ev); err != nil {
			return err
		}
		r.Version++
		return nil
	})
}

// ActiveGrants implements access.Store.
func (db *DB) ActiveGrants(ctx context.Context, now time.Time) ([]access.Grant, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT r.id, r.requester_token, r.tenant_id, r.categories, r.purpose, r.expires_at
		FROM access_requests r WHERE r.state = 'active' AND r.expires_at > ?
		AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.id IN (r.customer_approver, r.operator_approver, r.requester_token) AND t.revoked_at <> 0)`), Micros(now))
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []access.Grant
	for rows.Next() {
		var g access.Grant
		var cats string
		var exp int64
		if err := rows.Scan(&g.ID, &g.Token, &g.TenantID, &cats, &g.Purpose, &exp); err != nil {
			return nil, db.mapErr(err)
		}
		g.Categories, g.ExpiresAt = parseCats(cats), FromMicros(exp)
		out = append(out, g)
	}
	return out, db.mapErr(rows.Err())
}

// AccessVersion implements access.Store.
func (db *DB) AccessVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.R.QueryRowContext(ctx, "SELECT v FROM access_version WHERE id = 1").Scan(&v)
	return v, db.mapErr(err)
}

// ConfirmGrant implements access.Store: one lookup through the (requester_token, tenant_id,
// state) index, joined to the approvers' and requester's tokens by primary key.
func (db *DB) ConfirmGrant(ctx context.Context, tokenID, tenantID, category, purpose string, now time.Time) (string, error) {
	q := `SELECT r.id FROM access_requests r
		WHERE r.requester_token = ? AND r.tenant_id = ? AND r.state = 'active' AND r.expires_at > ?
		AND r.categories LIKE ?`
	args := []any{tokenID, tenantID, Micros(now), "%," + category + ",%"}
	if purpose != "" {
		q += " AND r.purpose = ?"
		args = append(args, purpose)
	}
	q += ` AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.id IN (r.customer_approver, r.operator_approver, r.requester_token) AND t.revoked_at <> 0)
		LIMIT 1`
	var id string
	err := db.R.QueryRowContext(ctx, db.Q(q), args...).Scan(&id)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return id, db.mapErr(err)
}

// AccessDue implements access.Store.
func (db *DB) AccessDue(ctx context.Context, now time.Time) ([]access.Due, error) {
	at := Micros(now)
	var out []access.Due
	for _, c := range []struct {
		reason, where string
		args          []any
	}{
		{access.EndExpired, "state = 'pending' AND pending_until <= ?", []any{at}},
		{access.EndExpired, "state = 'active' AND expires_at <= ?", []any{at}},
		{access.EndApproverRevoked, "state = 'active' AND EXISTS (SELECT 1 FROM tokens t WHERE t.id IN (customer_approver, operator_approver) AND t.revoked_at <> 0)", nil},
		{access.EndRequesterRevoked, "state IN ('pending', 'active') AND EXISTS (SELECT 1 FROM tokens t WHERE t.id = requester_token AND t.revoked_at <> 0)", nil},
	} {
		rows, err := db.R.QueryContext(ctx, db.Q("SELECT "+requestCols+" FROM access_requests WHERE "+c.where+" ORDER BY id LIMIT 1000"), c.args...)
		if err != nil {
			return nil, db.mapErr(err)
		}
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				rows.Close()
				return nil, db.mapErr(err)
			}
			out = append(out, access.Due{Request: r, Reason: c.reason})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, db.mapErr(err)
		}
	}
	return out, nil
}

// RecordAccessRead implements access.Store.
func (db *DB) RecordAccessRead(ctx context.Context, rd *access.Read, tally *access.Tally, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := db.AppendTx(ctx, tx, ev); err != nil {
			return err
		}
		rd.AuditIndex = ev.Index
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO access_reads (id, request_id, tenant_id, reader_token, at, categories,
			purpose, masked, records, audit_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			rd.ID, rd.GrantID, rd.TenantID, rd.Reader, Micros(rd.At), catList(rd.Categories), rd.Purpose, b2i(rd.Masked),
			rd.Records, rd.AuditIndex); err != nil {
			return db.mapErr(fmt.Errorf("insert access read: %w", err))
		}
		if err := db.insertRows(ctx, tx, "access_read_subjects (read_id, subject_id)", 2, len(rd.SubjectIDs), func(i int, args []any) []any {
			return append(args, rd.ID, rd.SubjectIDs[i])
		}); err != nil {
			return err
		}
		if tally == nil {
			return nil
		}
		return db.tally(ctx, tx, rd, tally)
	})
}

// tally counts the people a read from abroad reached who were not yet counted this year,
// and appends an alert for each threshold the count crosses.
func (db *DB) tally(ctx context.Context, tx *sql.Tx, rd *access.Read, t *access.Tally) error {
	var added int64
	for _, id := range rd.SubjectIDs {
		res, err := tx.ExecContext(ctx, db.Q(`INSERT INTO access_abroad_people (year, class, subject_id, first_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`), t.Year, t.Class, id, Micros(rd.At))
		if err != nil {
			return db.mapErr(fmt.Errorf("count person: %w", err))
		}
		n, _ := res.RowsAffected()
		added += n
	}
	if added == 0 {
		return nil
	}
	var people int64
	if err := tx.QueryRowContext(ctx, db.Q(`INSERT INTO access_abroad_counts (year, class, people) VALUES (?, ?, ?)
		ON CONFLICT (year, class) DO UPDATE SET people = access_abroad_counts.people + excluded.people RETURNING people`),
		t.Year, t.Class, added).Scan(&people); err != nil {
		return db.mapErr(fmt.Errorf("count people: %w", err))
	}
	for _, th := range t.Thresholds {
		if people-added >= th || people < th {
			continue
		}
		ev := t.Alert(th, people)
		if _, err := db.AppendTx(ctx, tx, ev); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO access_abroad_alerts (year, class, threshold, people, at, audit_index)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`), t.Year, t.Class, th, people, Micros(rd.At), ev.Index); err != nil {
			return db.mapErr(fmt.Errorf("abroad alert: %w", err))
		}
	}
	return nil
}

const readSelect = `SELECT d.id, d.request_id, d.tenant_id, d.reader_token, COALESCE(t.label, ''), r.requester, r.entity, r.country,
	d.at, d.categories, d.purpose, d.masked, d.records, d.audit_index
	FROM access_reads d JOIN access_requests r ON r.id = d.request_id LEFT JOIN tokens t ON t.id = d.reader_token`

func (db *DB) queryReads(ctx context.Context, q string, args ...any) ([]access.Read, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(q), args...)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []access.Read
	for rows.Next() {
		var rd access.Read
		var at int64
		var cats string
		var masked int
		if err := rows.Scan(&rd.ID, &rd.GrantID, &rd.TenantID, &rd.Reader, &rd.ReaderLabel, &rd.Requester, &rd.Entity, &rd.Country,
			&at, &cats, &rd.Purpose, &masked, &rd.Records, &rd.AuditIndex); err != nil {
			return nil, db.mapErr(err)
		}
		rd.At, rd.Categories, rd.Masked = FromMicros(at), parseCats(cats), masked != 0
		out = append(out, rd)
	}
	if err := rows.Err(); err != nil {
		return nil, db.mapErr(err)
	}
	rows.Close()
	for i := range out {
		if out[i].SubjectIDs, err = db.readSubjects(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) readSubjects(ctx context.Context, readID string) ([]string, error) {
	return db.strings(ctx, "SELECT subject_id FROM access_read_subjects WHERE read_id = ? ORDER BY subject_id", readID)
}

// AccessReads implements access.Store.
func (db *DB) AccessReads(ctx context.Context, f access.ReadFilter) ([]access.Read, error) {
	var where []string
	var args []any
	if f.TenantID != "" {
		where, args = append(where, "d.tenant_id = ?"), append(args, f.TenantID)
	}
	if f.GrantID != "" {
		where, args = append(where, "d.request_id = ?"), append(args, f.GrantID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "d.at >= ?"), append(args, Micros(f.Since))
	}
	q := readSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return db.queryReads(ctx, q+fmt.Sprintf(" ORDER BY d.at DESC, d.id DESC LIMIT %d", f.Limit), args...)
}

// AccessReadsOfSubject implements access.Store.
func (db *DB) AccessReadsOfSubject(ctx context.Context, subjectID string) ([]access.Read, error) {
	return db.queryReads(ctx, readSelect+` WHERE d.id IN (SELECT read_id FROM access_read_subjects WHERE subject_id = ?)
		ORDER BY d.at, d.id`, subjectID)
}

// AbroadCounts implements access.Store.
func (db *DB) AbroadCounts(ctx context.Context, year int) (map[string]int64, []access.Alert, error) {
	counts := map[string]int64{}
	rows, err := db.R.QueryContext(ctx, db.Q("SELECT class, people FROM access_abroad_counts WHERE year = ?"), year)
	if err != nil {
		return nil, nil, db.mapErr(err)
	}
	for rows.Next() {
		var class string
		var n int64
		if err := rows.Scan(&class, &n); err != nil {
			rows.Close()
			return nil, nil, db.mapErr(err)
		}
		counts[class] = n
	}
	rows.Close()
	rows, err = db.R.QueryContext(ctx, db.Q(`SELECT year, class, threshold, people, at, audit_index FROM access_abroad_alerts
		WHERE year = ? ORDER BY at, class, threshold`), year)
	if err != nil {
		return nil, nil, db.mapErr(err)
	}
	defer rows.Close()
	var alerts []access.Alert
	for rows.Next() {
		var a access.Alert
		var at int64
		if err := rows.Scan(&a.Year, &a.Class, &a.Threshold, &a.People, &at, &a.AuditIndex); err != nil {
			return nil, nil, db.mapErr(err)
		}
		a.At = FromMicros(at)
		alerts = append(alerts, a)
	}
	return counts, alerts, db.mapErr(rows.Err())
}

// AccessSettings implements access.Store.
func (db *DB) AccessSettings(ctx context.Context, tenantID string) (access.Settings, error) {
	s := access.Settings{TenantID: tenantID}
	var second sql.NullInt64
	var updated sql.NullInt64
	err := db.R.QueryRowContext(ctx, db.Q(`SELECT s.second_approval, s.updated_at FROM tenants t
		LEFT JOIN access_settings s ON s.tenant_id = t.id WHERE t.id = ?`), tenantID).Scan(&second, &updated)
	if err == sql.ErrNoRows {
		return s, custos.Errorf(custos.KindNotFound, "no such tenant")
	}
	if err != nil {
		return s, db.mapErr(err)
	}
	s.SecondApproval, s.UpdatedAt = second.Int64 != 0, FromMicros(updated.Int64)
	return s, nil
}

// PutAccessSettings implements access.Store.
func (db *DB) PutAccessSettings(ctx context.Context, s access.Settings, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, db.Q("SELECT 1 FROM tenants WHERE id = ?"), s.TenantID).Scan(&one); err != nil {
			if err == sql.ErrNoRows {
				return custos.Errorf(custos.KindNotFound, "no such tenant")
			}
			return db.mapErr(err)
		}
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO access_settings (tenant_id, second_approval, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET second_approval = excluded.second_approval, updated_at = excluded.updated_at`),
			s.TenantID, b2i(s.SecondApproval), Micros(s.UpdatedAt)); err != nil {
			return db.mapErr(fmt.Errorf("access settings: %w", err))
		}
		_, err := db.AppendTx(ctx, tx, ev)
		return err
	})
}

var _ interface {
	SubjectsOfKind(ctx context.Context, tenantID string, kind subject.Kind) ([]*subject.Subject, error)
} = (*DB)(nil)

// SubjectsOfKind lists a tenant's subjects of one kind, through the subjects_tenant index.
func (db *DB) SubjectsOfKind(ctx context.Context, tenantID string, kind subject.Kind) ([]*subject.Subject, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT id, tenant_id, kind, state, region, profile, created_at, erased_at
		FROM subjects WHERE tenant_id = ? AND kind = ? ORDER BY created_at, id LIMIT 1000`), tenantID, string(kind))
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []*subject.Subject
	for rows.Next() {
		var s subject.Subject
		var k string
		var created, erased int64
		if err := rows.Scan(&s.ID, &s.TenantID, &k, &s.State, &s.Region, &s.Profile, &created, &erased); err != nil {
			return nil, db.mapErr(err)
		}
		s.Kind, s.CreatedAt, s.ErasedAt = subject.Kind(k), FromMicros(created), FromMicros(erased)
		out = append(out, &s)
	}
	return out, db.mapErr(rows.Err())
}
