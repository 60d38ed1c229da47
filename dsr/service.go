package dsr

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
	"custos.dev/custos/policy"
	"custos.dev/custos/subject"
)

// Canceller hands a subject's account to the retention rules (R-RET-2). The retention
// service provides it; without one, cancellation requests are refused as unavailable.
type Canceller interface {
	CancelSubject(ctx context.Context, by auth.Principal, subjectID, reason string) error
}

// GrantRead is one read of the subject's data under a supervised-access grant.
type GrantRead struct {
	At         time.Time `json:"at"`
	GrantID    string    `json:"grant_id"`
	Actor      string    `json:"actor"`
	Entity     string    `json:"entity,omitempty"`
	Country    string    `json:"country,omitempty"`
	Categories []string  `json:"categories"`
	Purpose    string    `json:"purpose,omitempty"`
}

// GrantReads lists the reads of a subject's data under supervised-access grants. The
// access service provides it; without one, packages list no reads.
type GrantReads interface {
	ReadsOfSubject(ctx context.Context, subjectID string) ([]GrantRead, error)
}

// Service runs subject requests. Store, Subjects, Policy and CodeKey are required.
type Service struct {
	Store    Store
	Subjects *subject.Service
	Policy   *policy.Engine
	// CodeKey keys the hashes of verification codes, so a copy of the database does not
	// give the codes away by enumeration.
	CodeKey []byte
	// Canceller and Reads are optional (see their types).
	Canceller Canceller
	Reads     GrantReads
	// OfficerEmail is the PI protection officer's address for reminders and complaints.
	OfficerEmail string
	// PublicURL is where subjects reach custos (download links); e.g. https://privacy.example.cn.
	PublicURL string
	// Kick, if set, asks for a sweep soon (after a verification, an instruction).
	Kick func(ctx context.Context)
	HTTP *http.Client
	Log  *slog.Logger
	Now  func() time.Time

	// Tunables; zero means the default in parentheses.
	CodeTTL      time.Duration // a code's validity (10m)
	MaxAttempts  int           // tries before the request locks (5)
	CodesPerHour int           // codes sent per subject and per address in an hour (5)
	LinkTTL      time.Duration // a download link's validity (7 days)
	RetryBase    time.Duration // first retry of a deletion instruction (30s)
	// SweepPage is how many open requests one query of a sweep reads (500).
	SweepPage int
	// VerifyWindow is how long a request may wait for its subject to prove who they are
	// before it is closed as abandoned (7 days).
	VerifyWindow   time.Duration
	RetryMax       time.Duration // longest wait between retries (6h)
	DeliverTimeout time.Duration // one webhook call (10s)
	Concurrency    int           // webhook calls at once (8)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// newID returns prefix and 16 bytes in hex, time-ordered like the vault's ids.
func newID(prefix string) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	return prefix + hex.EncodeToString(b[:])
}

func secret(prefix string) (string, []byte) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	k := prefix + base64.RawURLEncoding.EncodeToString(b[:])
	h := sha256.Sum256([]byte(k))
	return k, h[:]
}

// HashKey is how request keys and download links are stored.
func HashKey(k string) []byte {
	h := sha256.Sum256([]byte(k))
	return h[:]
}

func (s *Service) codeHash(requestID, code string) []byte {
	m := hmac.New(sha256.New, s.CodeKey)
	m.Write([]byte(requestID + "\x00" + code))
	return m.Sum(nil)
}

func newCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}

// actor is how a caller appears in events and history: a token's actor, or "subject".
func actor(by *auth.Principal) (string, string) {
	if by == nil {
		return "subject", "subject"
	}
	return by.Actor(), string(by.Role)
}

func (s *Service) event(r *Request, by, role, action string, rids ...string) *auditlog.Event {
	return &auditlog.Event{Actor: by, Role: role, Action: action, Tenant: r.TenantID, Subject: r.SubjectID,
		Object: "request/" + r.ID, RIDs: rids, Details: map[string]string{"type": string(r.Type), "state": string(r.State)}}
}

func (r *Request) history(at time.Time, by, action, note string) History {
	return History{RequestID: r.ID, At: at, Action: action, State: r.State, Note: note, By: by}
}

// NewRequest is what filing a request takes.
type NewRequest struct {
	Type Type `json:"type"`
	// Email is the address on record, for a subject filing without a token.
	Email string `json:"email,omitempty"`
	// TenantID narrows the address to one customer account, where it is on record in several.
	TenantID string `json:"tenant_id,omitempty"`
	// SubjectID names the subject, for staff and customers' administrators filing on the
	// subject's behalf.
	SubjectID string `json:"subject_id,omitempty"`
	Channel   string `json:"channel,omitempty"`
	// Correction: the category and the corrected fields.
	Category string            `json:"category,omitempty"`
	Fields   map[string]string `json:"fields,omitempty"`
	// Withdrawal: one consent, or every consent for purposes (and categories).
	ConsentID  string   `json:"consent_id,omitempty"`
	Purposes   []string `json:"purposes,omitempty"`
	Categories []string `json:"categories,omitempty"`
	// Access and portability: json, html or both (default).
	Format string `json:"format,omitempty"`
	// Text is a complaint's or a question's text.
	Text string `json:"text,omitempty"`
}

// Consequence is a service that stops working when the subject's data is deleted or a
// consent withdrawn (R-DSR-3).
type Consequence struct {
	Purpose string `json:"purpose"`
	ZH      string `json:"zh"`
	EN      string `json:"en"`
}

// check validates a request's parameters for its type.
func (s *Service) check(in *NewRequest) error {
	if !slices.Contains(Types, in.Type) {
		return custos.FieldError(custos.KindInvalid, "type", "want one of access, portability, correction, deletion, withdrawal, explanation, cancellation, complaint")
	}
	if in.Channel == "" {
		in.Channel = "api"
	}
	if !slices.Contains(consent.Channels, in.Channel) {
		return custos.FieldError(custos.KindInvalid, "channel", "want one of web, app, email, phone, paper, api, console")
	}
	if len(in.Text) > 16<<10 {
		return custos.FieldError(custos.KindInvalid, "text", "longer than 16 KiB")
	}
	other := func(field string, set bool) error {
		if set {
			return custos.FieldError(custos.KindInvalid, field, "not a parameter of a "+string(in.Type)+" request")
		}
		return nil
	}
	switch in.Type {
	case TypeCorrection:
		if in.Category == "" {
			return custos.FieldError(custos.KindInvalid, "category", "required for a correction")
		}
		if err := s.Subjects.CheckCorrection(in.Category, in.Fields); err != nil {
			if f := custos.FieldOf(err); f != "" && f != "category" && f != "fields" {
				return custos.FieldError(custos.KindOf(err), "fields."+f, custos.PublicMessage(err))
			}
			return err
		}
	case TypeWithdrawal:
		if (in.ConsentID == "") == (len(in.Purposes) == 0) {
			return custos.FieldError(custos.KindInvalid, "consent_id", "give either consent_id or purposes")
		}
		for i, p := range in.Purposes {
			if _, ok := s.Policy.PurposeByName(p); !ok {
				return custos.FieldError(custos.KindUnprocessable, fmt.Sprintf("purposes[%d]", i), "not a purpose of the policy")
			}
		}
		for i, c := range in.Categories {
			if _, ok := s.Policy.CategoryByName(c); !ok {
				return custos.FieldError(custos.KindUnprocessable, fmt.Sprintf("categories[%d]", i), "not a category of the policy")
			}
		}
	case TypeAccess, TypePortability:
		switch in.Format {
		case "":
			in.Format = "both"
		case "json", "html", "both":
		default:
			return custos.FieldError(custos.KindInvalid, "format", "want json, html or both")
		}
	case TypeCancellation:
		if s.Canceller == nil {
			return custos.Errorf(custos.KindUnavailable, "account cancellation is not available on this server yet")
		}
	case TypeComplaint:
		if strings.TrimSpace(in.Text) == "" {
			return custos.FieldError(custos.KindInvalid, "text", "a complaint needs its text")
		}
	}
	if in.Type != TypeCorrection {
		if err := other("category", in.Category != ""); err != nil {
			return err
		}
		if err := other("fields", len(in.Fields) > 0); err != nil {
			return err
		}
	}
	if in.Type != TypeWithdrawal {
		if err := other("consent_id", in.ConsentID != ""); err != nil {
			return err
		}
		if err := other("purposes", len(in.Purposes) > 0); err != nil {
			return err
		}
		if err := other("categories", len(in.Categories) > 0); err != nil {
			return err
		}
	}
	if in.Type != TypeAccess && in.Type != TypePortability {
		if err := other("format", in.Format != ""); err != nil {
			return err
		}
	}
	return nil
}

// Submit files a request. by is nil for a subject filing without a token, who names the
// address on record: whether or not it is on record, the answer is the same (a request
// waiting for its code), so that intake reveals nothing about who is a subject. Staff and
// customers' administrators name the subject. A code goes at once to the address on record
// (R-DSR-5).
func (s *Service) Submit(ctx context.Context, by *auth.Principal, in NewRequest) (*Request, error) {
	if err := s.check(&in); err != nil {
		return nil, err
	}
	now := s.now()
	var sub *subject.Subject
	var address string
	switch {
	case by == nil:
		if in.SubjectID != "" {
			return nil, custos.FieldError(custos.KindInvalid, "subject_id", "a subject filing without a token names the address on record (email), not an id")
		}
		if in.Email == "" {
			return nil, custos.FieldError(custos.KindInvalid, "email", "required: the e-mail address custos holds for you")
		}
		ids, err := s.Subjects.Find(ctx, auth.System, "email", in.Email)
		if err != nil {
			return nil, err
		}
		var live []*subject.Subject
		for _, id := range ids {
			x, err := s.Subjects.Info(ctx, id)
			if err == nil && x.ErasedAt.IsZero() && (in.TenantID == "" || x.TenantID == in.TenantID) {
				live = append(live, x)
			}
		}
		if len(live) == 1 {
			sub = live[0]
			address, err = s.Subjects.RequestAddress(ctx, sub.ID)
			if err != nil {
				return nil, err
			}
		}
	default:
		if in.Email != "" {
			return nil, custos.FieldError(custos.KindInvalid, "email", "staff name the subject by subject_id; the code goes to the address on record")
		}
		if in.SubjectID == "" {
			return nil, custos.FieldError(custos.KindInvalid, "subject_id", "required")
		}
		x, err := s.Subjects.Info(ctx, in.SubjectID)
		if err != nil {
			return nil, err
		}
		if err := by.InTenant(x.TenantID); err != nil {
			return nil, err
		}
		if !x.ErasedAt.IsZero() {
			return nil, custos.Errorf(custos.KindNotFound, "subject erased")
		}
		sub = x
		if address, err = s.Subjects.RequestAddress(ctx, sub.ID); err != nil {
			return nil, err
		}
		if address == "" {
			return nil, custos.FieldError(custos.KindUnprocessable, "subject_id", "the subject has no e-mail address on record to send the verification code to (R-DSR-5)")
		}
	}
	// Rate limits, per subject and per address, before anything is written.
	var keys []string
	if sub != nil {
		keys = append(keys, "subject:"+sub.ID)
	}
	addrFor := in.Email
	if addrFor == "" {
		addrFor = address
	}
	if tok, err := s.Subjects.Tokens.Token("email", addrFor); err == nil {
		keys = append(keys, "address:"+tok)
	} else if by == nil {
		return nil, custos.FieldError(custos.KindInvalid, "email", "not an e-mail address")
	}
	for _, k := range keys {
		n, err := s.Store.CountCodeSends(ctx, k, now.Add(-time.Hour))
		if err != nil {
			return nil, err
		}
		if n >= orDefault(s.CodesPerHour, 5) {
			return nil, custos.Errorf(custos.KindRateLimited, "too many verification codes sent for this subject or address in the last hour; try again later (R-DSR-5)")
		}
	}

	who, role := actor(by)
	r := &Request{ID: newID("rq_"), Type: in.Type, State: StateReceived, Channel: in.Channel, By: who, ByRole: role,
		ReceivedAt: now, UpdatedAt: now, Params: Params{Category: in.Category, ConsentID: in.ConsentID,
			Purposes: in.Purposes, Categories: in.Categories, Format: in.Format}}
	for f := range in.Fields {
		r.Params.Fields = append(r.Params.Fields, f)
	}
	slices.Sort(r.Params.Fields)
	c := &Change{Request: r}
	c.History = append(c.History, r.history(now, who, "received", ""))
	ev := s.event(r, who, role, "dsr.receive", "R-DSR-6")
	ev.Details["channel"] = in.Channel
	if sub != nil {
		r.SubjectID, r.TenantID = sub.ID, sub.TenantID
		ev.Subject, ev.Tenant = sub.ID, sub.TenantID
		// An end user's request about customer data goes to the customer that serves them;
		// nothing substantive happens without its written instruction (R-INV-3). A
		// customer's administrator filing on the user's behalf is that instruction.
		if sub.Kind == subject.KindEndUser {
			r.RoutedTo = sub.TenantID
			ev.RIDs = append(ev.RIDs, "R-INV-3")
			if by != nil && by.Role == auth.RoleCustomerAdmin {
				r.InstructionAt = now
				c.History = append(c.History, r.history(now, who, "customer_instruction", "filed by the customer"))
			}
		}
		if payload := s.payload(in); payload != nil {
			sealed, err := s.Subjects.Seal(ctx, sub.ID, "request:"+r.ID, payload)
			if err != nil {
				return nil, err
			}
			r.Payload = sealed
		}
	}
	if in.Type == TypeComplaint {
		ev.RIDs = append(ev.RIDs, "R-CON-1")
	}
	c.Events = append(c.Events, ev)

	// The code: sent to the address on record; for an address not on record, a code that
	// no one receives, so the request behaves the same and can never be verified.
	code := newCode()
	r.State = StateVerifying
	c.Verification = &Verification{RequestID: r.ID, Hash: s.codeHash(r.ID, code), ExpiresAt: now.Add(orDefault(s.CodeTTL, 10*time.Minute)), SentAt: now}
	c.CodeSends = keys
	c.History = append(c.History, r.history(now, "custos", "code_sent", ""))
	cev := s.event(r, "custos", "", "dsr.code_sent", "R-DSR-5")
	if sub == nil {
		cev.Details["delivered"] = "false"
	}
	c.Events = append(c.Events, cev)
	if sub != nil && address != "" {
		var cons []Consequence
		if in.Type == TypeDeletion {
			if cons, _ = s.Consequences(ctx, sub.ID); len(cons) > 0 {
				c.History = append(c.History, r.history(now, "custos", "consequences_told", fmt.Sprintf("%d services", len(cons))))
				ce := s.event(r, "custos", "", "dsr.consequences_told", "R-DSR-3")
				ce.Details["services"] = fmt.Sprint(len(cons))
				c.Events = append(c.Events, ce)
			}
		}
		c.Mail = append(c.Mail, codeMail(address, r, code, cons))
	}
	if err := s.Store.CreateRequest(ctx, c); err != nil {
		return nil, err
	}
	return r, nil
}

// payload is the PI a request carries, sealed at intake.
func (s *Service) payload(in NewRequest) []byte {
	if len(in.Fields) == 0 && in.Text == "" {
		return nil
	}
	b, _ := json.Marshal(payload{Fields: in.Fields, Text: in.Text})
	return b
}

type payload struct {
	Fields map[string]string `json:"fields,omitempty"`
	Text   string            `json:"text,omitempty"`
	// The officer's written answer and a decline's explanation: free text to the subject,
	// which may name them, so sealed like the rest.
	Answer      string `json:"answer,omitempty"`
	Explanation string `json:"explanation,omitempty"`
}

// sealTexts moves the officer's free text of r into its sealed payload and returns a func
// that puts it back on r (the store keeps only the sealed copy). An erased subject's
// request keeps its text as it is: custos writes no PI there after erasure.
func (s *Service) sealTexts(ctx context.Context, r *Request) (func(), error) {
	noop := func() {}
	expl := ""
	if r.Decline != nil {
		expl = r.Decline.Explanation
	}
	if r.SubjectID == "" || (r.Answer == "" && expl == "") {
		return noop, nil
	}
	p, err := s.openPayload(ctx, r)
	if gone(err) {
		return noop, nil
	}
	if err != nil {
		return noop, err
	}
	p.Answer, p.Explanation = r.Answer, expl
	b, _ := json.Marshal(p)
	sealed, err := s.Subjects.Seal(ctx, r.SubjectID, "request:"+r.ID, b)
	if gone(err) {
		return noop, nil
	}
	if err != nil {
		return noop, err
	}
	answer := r.Answer
	r.Payload, r.Answer = sealed, ""
	if r.Decline != nil {
		r.Decline.Explanation = ""
	}
	return func() {
		r.Answer = answer
		if r.Decline != nil {
			r.Decline.Explanation = expl
		}
	}, nil
}

// openTexts puts the sealed free text back on r for display.
func (s *Service) openTexts(ctx context.Context, r *Request) {
	if len(r.Payload) == 0 || r.Answer != "" {
		return
	}
	p, err := s.openPayload(ctx, r)
	if err != nil {
		return // erased: the text went with the key
	}
	r.Answer = p.Answer
	if r.Decline != nil && r.Decline.Explanation == "" {
		r.Decline.Explanation = p.Explanation
	}
}

func (s *Service) openPayload(ctx context.Context, r *Request) (payload, error) {
	var p payload
	if len(r.Payload) == 0 {
		return p, nil
	}
	b, err := s.Subjects.Open(ctx, r.SubjectID, "request:"+r.ID, r.Payload)
	if err != nil {
		return p, err
	}
	return p, json.Unmarshal(b, &p)
}

// Consequences lists what stops working if the subject's data goes (R-DSR-3): the
// purposes the policy declares for the categories custos holds of them.
func (s *Service) Consequences(ctx context.Context, subjectID string) ([]Consequence, error) {
	d, err := s.Subjects.Decrypted(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	held := map[string]bool{}
	for _, r := range d.Records {
		held[r.Category] = true
	}
	doc := s.Policy.Document()
	seen := map[string]bool{}
	var out []Consequence
	for _, cat := range doc.Categories {
		if !held[cat.Name] && len(held) > 0 {
			continue
		}
		for _, cp := range cat.Purposes {
			pi, _ := s.Policy.PurposeByName(cp.Purpose)
			info := s.Policy.Purposes()[pi]
			if seen[cp.Purpose] || info.RetainedUse {
				continue
			}
			seen[cp.Purpose] = true
			out = append(out, Consequence{Purpose: cp.Purpose, ZH: info.Description.ZH, EN: info.Description.EN})
		}
	}
	return out, nil
}

// Verify checks a request's code (R-DSR-5): within its validity, compared in constant
// time, at most MaxAttempts tries, after which the request is locked. On success the
// clock starts (R-DSR-6) and the subject gets a key to follow the request with.
func (s *Service) Verify(ctx context.Context, id, code string) (*Request, string, error) {
	r, err := s.Store.Request(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if r.Locked {
		return nil, "", custos.Errorf(custos.KindConflict, "too many wrong codes: this request is locked; file a new one (R-DSR-5)")
	}
	if r.State != StateVerifying {
		return nil, "", custos.Errorf(custos.KindConflict, "this request is not waiting for a verification code")
	}
	v, err := s.Store.Verification(ctx, id)
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	v.Attempts++
	c := &Change{Request: r, Verification: v}
	good := hmac.Equal(v.Hash, s.codeHash(id, strings.TrimSpace(code)))
	if !good || now.After(v.ExpiresAt) {
		msg := "wrong verification code"
		if good {
			msg = "the verification code has expired; ask for a new one"
		}
		ev := s.event(r, "subject", "subject", "dsr.verify_failed", "R-DSR-5")
		ev.Details["attempt"] = fmt.Sprint(v.Attempts)
		c.Events = append(c.Events, ev)
		c.History = append(c.History, r.history(now, "subject", "verify_failed", fmt.Sprintf("attempt %d", v.Attempts)))
		if v.Attempts >= orDefault(s.MaxAttempts, 5) {
			r.Locked = true
			c.Events = append(c.Events, s.event(r, "custos", "", "dsr.locked", "R-DSR-5"))
			c.History = append(c.History, r.history(now, "custos", "locked", ""))
			msg = "wrong verification code; too many tries, this request is now locked (R-DSR-5)"
		}
		r.UpdatedAt = now
		if err := s.Store.UpdateRequest(ctx, c); err != nil {
			return nil, "", err
		}
		return nil, "", custos.FieldError(custos.KindUnprocessable, "code", msg)
	}
	key, hash := secret("dsr_")
	r.State, r.VerifiedAt, r.AccessHash, r.UpdatedAt = StateVerified, now, hash, now
	deadline := "subject_request_answer"
	if r.Type == TypeComplaint {
		deadline = "complaint_answer"
	}
	d, ok := s.Policy.Deadline(deadline)
	if !ok {
		d, _ = policy.ParseDuration("P30D")
	}
	r.DueAt, _ = d.AddTo(now)
	v.ExpiresAt = now // a code works once
	ev := s.event(r, "subject", "subject", "dsr.verified", "R-DSR-5", "R-DSR-6")
	ev.Details["due_at"] = r.DueAt.Format(time.RFC3339)
	c.Events = append(c.Events, ev)
	c.History = append(c.History, r.history(now, "subject", "verified", "due "+r.DueAt.Format(time.RFC3339)))
	if r.RoutedTo != "" && r.InstructionAt.IsZero() {
		c.History = append(c.History, r.history(now, "custos", "routed_to_customer", "awaiting the customer's written instruction (R-INV-3)"))
	}
	if r.Type == TypeComplaint && s.OfficerEmail != "" {
		c.Mail = append(c.Mail, officerMail(s.OfficerEmail, r, "complaint"))
	}
	if err := s.Store.UpdateRequest(ctx, c); err != nil {
		return nil, "", err
	}
	s.kick(ctx)
	return r, key, nil
}

// Resend sends a new code for a request still waiting for one, within the rate limits.
func (s *Service) Resend(ctx context.Context, id string) error {
	r, err := s.Store.Request(ctx, id)
	if err != nil {
		return err
	}
	if r.Locked || r.State != StateVerifying {
		return custos.Errorf(custos.KindConflict, "this request is not waiting for a verification code")
	}
	now := s.now()
	var keys []string
	var address string
	if r.SubjectID != "" {
		keys = append(keys, "subject:"+r.SubjectID)
		if address, err = s.Subjects.RequestAddress(ctx, r.SubjectID); err != nil {
			return err
		}
		if tok, err := s.Subjects.Tokens.Token("email", address); err == nil {
			keys = append(keys, "address:"+tok)
		}
	} else {
		keys = append(keys, "request:"+r.ID)
	}
	for _, k := range keys {
		n, err := s.Store.CountCodeSends(ctx, k, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if n >= orDefault(s.CodesPerHour, 5) {
			return custos.Errorf(custos.KindRateLimited, "too many verification codes sent for this subject or address in the last hour; try again later (R-DSR-5)")
		}
	}
	v, err := s.Store.Verification(ctx, id)
	if err != nil {
		return err
	}
	code := newCode()
	v.Hash, v.ExpiresAt, v.SentAt = s.codeHash(id, code), now.Add(orDefault(s.CodeTTL, 10*time.Minute)), now
	r.UpdatedAt = now
	c := &Change{Request: r, Verification: v, CodeSends: keys}
	c.Events = append(c.Events, s.event(r, "subject", "subject", "dsr.code_sent", "R-DSR-5"))
	c.History = append(c.History, r.history(now, "custos", "code_sent", "again"))
	if address != "" {
		c.Mail = append(c.Mail, codeMail(address, r, code, nil))
	}
	return s.Store.UpdateRequest(ctx, c)
}

func (s *Service) kick(ctx context.Context) {
	if s.Kick != nil {
		s.Kick(ctx)
	}
}
