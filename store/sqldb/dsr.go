package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/dsr"
	"custos.dev/custos/subject"
)

var (
	_ dsr.Store            = (*DB)(nil)
	_ subject.RecordLister = (*DB)(nil)
)

// Records lists a subject's records, through the primary key (subject_id, category).
func (db *DB) Records(ctx context.Context, subjectID string) ([]subject.Record, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT category, region, sealed, redacted, pii_found, key_scope, verified_at, created_at, updated_at
		FROM records WHERE subject_id = ? ORDER BY category`), subjectID)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []subject.Record
	for rows.Next() {
		r := subject.Record{SubjectID: subjectID}
		var verified, created, updated int64
		if err := rows.Scan(&r.Category, &r.Region, &r.Sealed, &r.Redacted, &r.PIIFound, &r.KeyScope, &verified, &created, &updated); err != nil {
			return nil, db.mapErr(err)
		}
		r.VerifiedAt, r.CreatedAt, r.UpdatedAt = FromMicros(verified), FromMicros(created), FromMicros(updated)
		out = append(out, r)
	}
	return out, db.mapErr(rows.Err())
}

const dsrRequestCols = `id, type, subject_id, tenant_id, state, channel, by_actor, by_role, routed_to, instruction_at, params, payload,
	received_at, verified_at, due_at, closed_at, step, reminded, locked, decline, answer, access_hash, version, updated_at`

func requestArgs(r *dsr.Request) ([]any, error) {
	params, err := json.Marshal(r.Params)
	if err != nil {
		return nil, err
	}
	decline := ""
	if r.Decline != nil {
		b, _ := json.Marshal(r.Decline)
		decline = string(b)
	}
	reminded := b2i(r.Reminded7) | b2i(r.Reminded1)<<1
	return []any{r.ID, string(r.Type), r.SubjectID, r.TenantID, string(r.State), r.Channel, r.By, r.ByRole, r.RoutedTo,
		Micros(r.InstructionAt), string(params), r.Payload, Micros(r.ReceivedAt), Micros(r.VerifiedAt), Micros(r.DueAt),
		Micros(r.ClosedAt), r.Step, reminded, b2i(r.Locked), decline, r.Answer, r.AccessHash, r.Version, Micros(r.UpdatedAt)}, nil
}

func scanDSRRequest(s scanner) (*dsr.Request, error) {
	var r dsr.Request
	var typ, state, params, decline string
	var instr, recv, ver, due, closed, updated int64
	var reminded, locked int
	if err := s.Scan(&r.ID, &typ, &r.SubjectID, &r.TenantID, &state, &r.Channel, &r.By, &r.ByRole, &r.RoutedTo, &instr, &params, &r.Payload,
		&recv, &ver, &due, &closed, &r.Step, &reminded, &locked, &decline, &r.Answer, &r.AccessHash, &r.Version, &updated); err != nil {
		return nil, err
	}
	r.Type, r.State = dsr.Type(typ), dsr.State(state)
	r.InstructionAt, r.ReceivedAt, r.VerifiedAt, r.DueAt, r.ClosedAt, r.UpdatedAt =
		FromMicros(instr), FromMicros(recv), FromMicros(ver), FromMicros(due), FromMicros(closed), FromMicros(updated)
	r.Reminded7, r.Reminded1, r.Locked = reminded&1 != 0, reminded&2 != 0, locked != 0
	if err := json.Unmarshal([]byte(params), &r.Params); err != nil {
		return nil, err
	}
	if decline != "" {
		r.Decline = &dsr.Decline{}
		if err := json.Unmarshal([]byte(decline), r.Decline); err != nil {
			return nil, err
		}
	}
	return &r, nil
}

// CreateRequest inserts a request with the rest of its first step.
func (db *DB) CreateRequest(ctx context.Context, c *dsr.Change) error {
	args, err := requestArgs(c.Request)
	if err != nil {
		return custos.Internal(err)
	}
	return db.Transact(ctx, func(tx *sql.Tx) error {
		c.Request.Version = 1
		args[22] = int64(1)
		if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO dsr_requests ("+dsrRequestCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), args...); err != nil {
			return db.mapErr(fmt.Errorf("insert request: %w", err))
		}
		return db.writeChange(ctx, tx, c)
	})
}

// UpdateRequest writes a request if nobody changed it since it was read.
func (db *DB) UpdateRequest(ctx context.Context, c *dsr.Change) error {
	r := c.Request
	args, err := requestArgs(r)
	if err != nil {
		return custos.Internal(err)
	}
	err = db.Transact(ctx, func(tx *sql.Tx) error {
		set := strings.Split(strings.ReplaceAll(dsrRequestCols, "\n\t", " "), ", ")
		var b strings.Builder
		vals := []any{}
		for i, col := range set {
			col = strings.TrimSpace(col)
			if col == "id" || col == "version" {
				continue
			}
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(col + " = ?")
			vals = append(vals, args[i])
		}
		vals = append(vals, r.ID, r.Version)
		res, err := tx.ExecContext(ctx, db.Q("UPDATE dsr_requests SET "+b.String()+", version = version + 1 WHERE id = ? AND version = ?"), vals...)
		if err != nil {
			return db.mapErr(fmt.Errorf("update request: %w", err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return custos.Errorf(custos.KindConflict, "the request changed meanwhile; reload it")
		}
		return db.writeChange(ctx, tx, c)
	})
	if err == nil {
		r.Version++
	}
	return err
}

// writeChange writes everything of a step but the request row.
func (db *DB) writeChange(ctx context.Context, tx *sql.Tx, c *dsr.Change) error {
	if v := c.Verification; v != nil {
		res, err := tx.ExecContext(ctx, db.Q("UPDATE dsr_codes SET hash = ?, expires_at = ?, attempts = ?, sent_at = ? WHERE request_id = ?"),
			v.Hash, Micros(v.ExpiresAt), v.Attempts, Micros(v.SentAt), v.RequestID)
		if err != nil {
			return db.mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO dsr_codes (request_id, hash, expires_at, attempts, sent_at) VALUES (?, ?, ?, ?, ?)"),
				v.RequestID, v.Hash, Micros(v.ExpiresAt), v.Attempts, Micros(v.SentAt)); err != nil {
				return db.mapErr(err)
			}
		}
	}
	now := Micros(time.Now())
	for _, k := range c.CodeSends {
		if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO dsr_code_sends (key, at) VALUES (?, ?)"), k, now); err != nil {
			return db.mapErr(err)
		}
	}
	for _, in := range c.Instructions {
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO deletion_instructions (id, request_id, recipient, subject_id, tenant_id, categories, state, next_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`), in.ID, in.RequestID, in.Recipient, in.SubjectID, in.TenantID,
			strings.Join(in.Categories, ","), in.State, Micros(in.NextAt), Micros(in.CreatedAt)); err != nil {
			return db.mapErr(fmt.Errorf("insert instruction: %w", err))
		}
	}
	for _, d := range c.Downloads {
		if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO dsr_downloads (hash, request_id, subject_id, format, expires_at) VALUES (?, ?, ?, ?, ?)"),
			d.Hash, d.RequestID, d.SubjectID, d.Format, Micros(d.ExpiresAt)); err != nil {
			return db.mapErr(err)
		}
	}
	if err := db.insertHistory(ctx, tx, c.History); err != nil {
		return err
	}
	if len(c.Mail) > 0 {
		if err := db.EnqueueMailTx(ctx, tx, c.Mail...); err != nil {
			return err
		}
	}
	_, err := db.AppendTx(ctx, tx, c.Events...)
	return err
}

func (db *DB) insertHistory(ctx context.Context, tx *sql.Tx, hs []dsr.History) error {
	for _, h := range hs {
		if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO dsr_history (request_id, at, action, state, note, by_actor) VALUES (?, ?, ?, ?, ?, ?)"),
			h.RequestID, Micros(h.At), h.Action, string(h.State), h.Note, h.By); err != nil {
			return db.mapErr(fmt.Errorf("insert history: %w", err))
		}
	}
	return nil
}

// Request reads a request.
func (db *DB) Request(ctx context.Context, id string) (*dsr.Request, error) {
	r, err := scanDSRRequest(db.R.QueryRowContext(ctx, db.Q("SELECT "+dsrRequestCols+" FROM dsr_requests WHERE id = ?"), id))
	if err != nil {
		return nil, db.mapErr(err)
	}
	return r, nil
}

func (db *DB) queryRequests(ctx context.Context, q string, args ...any) ([]dsr.Request, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(q), args...)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []dsr.Request
	for rows.Next() {
		r, err := scanDSRRequest(rows)
		if err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, *r)
	}
	return out, db.mapErr(rows.Err())
}

// Requests serves the officer's queue: overdue first, then by due date, then by arrival.
func (db *DB) Requests(ctx context.Context, f dsr.Filter) ([]dsr.Request, error) {
	var where []string
	var args []any
	if len(f.States) > 0 {
		where = append(where, "state IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.States)), ", ")+")")
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	if !f.DueBefore.IsZero() {
		where = append(where, "due_at > 0 AND due_at < ?")
		args = append(args, Micros(f.DueBefore))
	}
	if f.TenantID != "" {
		where = append(where, "tenant_id = ?")
		args = append(args, f.TenantID)
	}
	if f.SubjectID != "" {
		where = append(where, "subject_id = ?")
		args = append(args, f.SubjectID)
	}
	q := "SELECT " + dsrRequestCols + " FROM dsr_requests"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += ` ORDER BY CASE WHEN due_at > 0 AND due_at < ? AND state IN ('verified', 'in_progress') THEN 0 ELSE 1 END,
		CASE WHEN due_at = 0 THEN 1 ELSE 0 END, due_at, received_at, id LIMIT ?`
	args = append(args, Micros(f.Now), f.Limit)
	return db.queryRequests(ctx, q, args...)
}

// OpenRequests lists the requests fulfilment still works on.
func (db *DB) OpenRequests(ctx context.Context, dueAt time.Time, id string, limit int) ([]dsr.Request, error) {
	due := int64(0)
	if !dueAt.IsZero() {
		due = Micros(dueAt)
	}
	return db.queryRequests(ctx, "SELECT "+dsrRequestCols+` FROM dsr_requests WHERE state IN ('verified', 'in_progress')
		AND (due_at > ? OR (due_at = ? AND id > ?)) ORDER BY due_at, id LIMIT ?`, due, due, id, limit)
}

// UnverifiedBefore implements dsr.Store.
func (db *DB) UnverifiedBefore(ctx context.Context, t time.Time, limit int) ([]dsr.Request, error) {
	return db.queryRequests(ctx, "SELECT "+dsrRequestCols+` FROM dsr_requests WHERE state IN ('received', 'verifying')
		AND received_at < ? ORDER BY received_at, id LIMIT ?`, Micros(t), limit)
}

// PruneCodeSends implements dsr.Store.
func (db *DB) PruneCodeSends(ctx context.Context, t time.Time) error {
	_, err := db.W.ExecContext(ctx, db.Q("DELETE FROM dsr_code_sends WHERE at < ?"), Micros(t))
	return db.mapErr(err)
}

// RequestHistory reads a request's steps in order.
func (db *DB) RequestHistory(ctx context.Context, id string) ([]dsr.History, error) {
	rows, err := db.R.QueryContext(ctx, db.Q("SELECT at, action, state, note, by_actor FROM dsr_history WHERE request_id = ? ORDER BY seq"), id)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	out := []dsr.History{}
	for rows.Next() {
		h := dsr.History{RequestID: id}
		var at int64
		var state string
		if err := rows.Scan(&at, &h.Action, &state, &h.Note, &h.By); err != nil {
			return nil, db.mapErr(err)
		}
		h.At, h.State = FromMicros(at), dsr.State(state)
		out = append(out, h)
	}
	return out, db.mapErr(rows.Err())
}

// Verification reads a request's code.
func (db *DB) Verification(ctx context.Context, requestID string) (*dsr.Verification, error) {
	v := dsr.Verification{RequestID: requestID}
	var exp, sent int64
	err := db.R.QueryRowContext(ctx, db.Q("SELECT hash, expires_at, attempts, sent_at FROM dsr_codes WHERE request_id = ?"), requestID).
		Scan(&v.Hash, &exp, &v.Attempts, &sent)
	if err != nil {
		return nil, db.mapErr(err)
	}
	v.ExpiresAt, v.SentAt = FromMicros(exp), FromMicros(sent)
	return &v, nil
}

// CountCodeSends counts codes sent under key since a time.
func (db *DB) CountCodeSends(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, db.Q("SELECT COUNT(*) FROM dsr_code_sends WHERE key = ? AND at >= ?"), key, Micros(since)).Scan(&n)
	return n, db.mapErr(err)
}

// AddDisclosure records a disclosure with its event.
func (db *DB) AddDisclosure(ctx context.Context, d *dsr.Disclosure, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO disclosures (id, subject_id, tenant_id, recipient, categories, basis, purpose, at, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), d.ID, d.SubjectID, d.TenantID, d.Recipient, strings.Join(d.Categories, ","), d.Basis, d.Purpose,
			Micros(d.At), d.By); err != nil {
			return db.mapErr(fmt.Errorf("insert disclosure: %w", err))
		}
		_, err := db.AppendTx(ctx, tx, ev)
		return err
	})
}

// Disclosures lists a subject's disclosures, through its index.
func (db *DB) Disclosures(ctx context.Context, subjectID string) ([]dsr.Disclosure, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(`SELECT id, tenant_id, recipient, categories, basis, purpose, at, recorded_by
		FROM disclosures WHERE subject_id = ? ORDER BY at, id`), subjectID)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []dsr.Disclosure
	for rows.Next() {
		d := dsr.Disclosure{SubjectID: subjectID}
		var cats string
		var at int64
		if err := rows.Scan(&d.ID, &d.TenantID, &d.Recipient, &cats, &d.Basis, &d.Purpose, &at, &d.By); err != nil {
			return nil, db.mapErr(err)
		}
		d.Categories, d.At = strings.Split(cats, ","), FromMicros(at)
		out = append(out, d)
	}
	return out, db.mapErr(rows.Err())
}

// PutEndpoint inserts or replaces a recipient's endpoint.
func (db *DB) PutEndpoint(ctx context.Context, e *dsr.Endpoint, ev *auditlog.Event) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO recipient_endpoints (recipient, url, wrapped, secret, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (recipient) DO UPDATE SET url = excluded.url, wrapped = excluded.wrapped, secret = excluded.secret,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
			e.Recipient, e.URL, e.Wrapped, e.Secret, Micros(e.UpdatedAt), e.By); err != nil {
			return db.mapErr(fmt.Errorf("put endpoint: %w", err))
		}
		// Instructions waiting out a long backoff (no endpoint, a broken one) go out now.
		if _, err := tx.ExecContext(ctx, db.Q("UPDATE deletion_instructions SET next_at = ?, version = version + 1 WHERE recipient = ? AND state = 'pending' AND next_at > ?"),
			Micros(e.UpdatedAt), e.Recipient, Micros(e.UpdatedAt)); err != nil {
			return db.mapErr(err)
		}
		_, err := db.AppendTx(ctx, tx, ev)
		return err
	})
}

// Endpoint reads a recipient's endpoint.
func (db *DB) Endpoint(ctx context.Context, recipient string) (*dsr.Endpoint, error) {
	e := dsr.Endpoint{Recipient: recipient}
	var at int64
	err := db.R.QueryRowContext(ctx, db.Q("SELECT url, wrapped, secret, updated_at, updated_by FROM recipient_endpoints WHERE recipient = ?"), recipient).
		Scan(&e.URL, &e.Wrapped, &e.Secret, &at, &e.By)
	if err != nil {
		return nil, db.mapErr(err)
	}
	e.UpdatedAt = FromMicros(at)
	return &e, nil
}

const instructionCols = `i.id, i.request_id, i.recipient, i.subject_id, i.tenant_id, i.categories, i.state, i.attempts, i.next_at,
	i.last_status, i.last_error, i.created_at, i.confirmed_at, i.confirmation, i.version`

func (db *DB) queryInstructions(ctx context.Context, q string, args ...any) ([]dsr.Instruction, error) {
	rows, err := db.R.QueryContext(ctx, db.Q(q), args...)
	if err != nil {
		return nil, db.mapErr(err)
	}
	defer rows.Close()
	var out []dsr.Instruction
	for rows.Next() {
		var in dsr.Instruction
		var cats string
		var next, created, confirmed int64
		if err := rows.Scan(&in.ID, &in.RequestID, &in.Recipient, &in.SubjectID, &in.TenantID, &cats, &in.State, &in.Attempts, &next,
			&in.LastStatus, &in.LastError, &created, &confirmed, &in.Confirmation, &in.Version); err != nil {
			return nil, db.mapErr(err)
		}
		in.Categories = strings.Split(cats, ",")
		in.NextAt, in.CreatedAt, in.ConfirmedAt = FromMicros(next), FromMicros(created), FromMicros(confirmed)
		out = append(out, in)
	}
	return out, db.mapErr(rows.Err())
}

// Instructions lists a request's deletion instructions.
func (db *DB) Instructions(ctx context.Context, requestID string) ([]dsr.Instruction, error) {
	return db.queryInstructions(ctx, "SELECT "+instructionCols+" FROM deletion_instructions i WHERE i.request_id = ? ORDER BY i.recipient", requestID)
}

// DueInstructions lists pending instructions due now, of requests whose subject is
// already erased: recipients are told to delete only after custos has.
func (db *DB) DueInstructions(ctx context.Context, now time.Time, limit int) ([]dsr.Instruction, error) {
	return db.queryInstructions(ctx, `SELECT `+instructionCols+` FROM deletion_instructions i JOIN dsr_requests r ON r.id = i.request_id
		WHERE i.state = 'pending' AND i.next_at <= ? AND r.step = 'erased' ORDER BY i.next_at, i.id LIMIT ?`, Micros(now), limit)
}

// ClaimInstructions moves the next attempt of instructions whose version is unchanged to
// until, in one transaction, and returns those claimed.
func (db *DB) ClaimInstructions(ctx context.Context, ins []*dsr.Instruction, until time.Time) ([]*dsr.Instruction, error) {
	var won []*dsr.Instruction
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		won = won[:0]
		for _, in := range ins {
			res, err := tx.ExecContext(ctx, db.Q("UPDATE deletion_instructions SET next_at = ?, version = version + 1 WHERE id = ? AND version = ? AND state = 'pending'"),
				Micros(until), in.ID, in.Version)
			if err != nil {
				return db.mapErr(err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				won = append(won, in)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, in := range won {
		in.Version++
		in.NextAt = until
	}
	return won, nil
}

// RecordAttempts writes delivery outcomes in one transaction; an instruction whose version
// moved on is skipped with its events.
func (db *DB) RecordAttempts(ctx context.Context, attempts []dsr.Attempt) error {
	var written []*dsr.Instruction
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		written = written[:0]
		var events []*auditlog.Event
		for _, a := range attempts {
			in := a.Instruction
			res, err := tx.ExecContext(ctx, db.Q(`UPDATE deletion_instructions SET state = ?, attempts = ?, next_at = ?, last_status = ?, last_error = ?,
				confirmed_at = ?, confirmation = ?, version = version + 1 WHERE id = ? AND version = ?`),
				in.State, in.Attempts, Micros(in.NextAt), in.LastStatus, in.LastError, Micros(in.ConfirmedAt), in.Confirmation, in.ID, in.Version)
			if err != nil {
				return db.mapErr(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			written = append(written, in)
			if err := db.insertHistory(ctx, tx, a.History); err != nil {
				return err
			}
			events = append(events, a.Events...)
		}
		_, err := db.AppendTx(ctx, tx, events...)
		return err
	})
	if err == nil {
		for _, in := range written {
			in.Version++
		}
	}
	return err
}

// Download reads a download link by its hash.
func (db *DB) Download(ctx context.Context, hash []byte) (*dsr.Download, error) {
	d := dsr.Download{Hash: hash}
	var exp, used int64
	err := db.R.QueryRowContext(ctx, db.Q("SELECT request_id, subject_id, format, expires_at, used_at FROM dsr_downloads WHERE hash = ?"), hash).
		Scan(&d.RequestID, &d.SubjectID, &d.Format, &exp, &used)
	if err != nil {
		return nil, db.mapErr(err)
	}
	d.ExpiresAt, d.UsedAt = FromMicros(exp), FromMicros(used)
	return &d, nil
}

// UseDownload marks a link used, once.
func (db *DB) UseDownload(ctx context.Context, hash []byte, at time.Time, ev *auditlog.Event) (bool, error) {
	var won bool
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q("UPDATE dsr_downloads SET used_at = ? WHERE hash = ? AND used_at = 0"), Micros(at), hash)
		if err != nil {
			return db.mapErr(err)
		}
		n, _ := res.RowsAffected()
		if won = n == 1; !won {
			return nil
		}
		_, err = db.AppendTx(ctx, tx, ev)
		return err
	})
	return won, err
}

// EndpointKeys calls fn for every recipient endpoint's wrapped data key (KEK rotation
// re-wraps them with the subjects' keys).
func (db *DB) EndpointKeys(ctx context.Context, fn func(recipient string, wrapped []byte) error) error {
	rows, err := db.R.QueryContext(ctx, "SELECT recipient, wrapped FROM recipient_endpoints ORDER BY recipient")
	if err != nil {
		return db.mapErr(err)
	}
	defer rows.Close()
	type row struct {
		r string
		w []byte
	}
	var all []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.r, &x.w); err != nil {
			return db.mapErr(err)
		}
		all = append(all, x)
	}
	if err := rows.Err(); err != nil {
		return db.mapErr(err)
	}
	for _, x := range all {
		if err := fn(x.r, x.w); err != nil {
			return err
		}
	}
	return nil
}

// ReplaceEndpointKey swaps an endpoint's wrapped key for a re-wrapped one, only if it is
// still the one read (an endpoint re-registered meanwhile keeps its new key).
func (db *DB) ReplaceEndpointKey(ctx context.Context, recipient string, old, wrapped []byte) error {
	_, err := db.W.ExecContext(ctx, db.Q("UPDATE recipient_endpoints SET wrapped = ? WHERE recipient = ? AND wrapped = ?"), wrapped, recipient, old)
	return db.mapErr(err)
}
