package dsr

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auth"
)

// Caller is who asks about a request: a token's principal, or the subject holding the
// request's key (given at verification).
type Caller struct {
	Principal *auth.Principal
	Key       string
}

func (c Caller) actor() (string, string) {
	if c.Principal == nil {
		return "subject", "subject"
	}
	return c.Principal.Actor(), string(c.Principal.Role)
}

// authorize lets the privacy team see every request, a customer's administrator those of
// its own tenant's subjects (R-INV-3), and the subject its own, by its key.
func authorize(r *Request, c Caller) error {
	if p := c.Principal; p != nil {
		switch p.Role {
		case auth.RoleOperatorAdmin, auth.RolePrivacyOfficer:
			return nil
		case auth.RoleCustomerAdmin:
			if r.TenantID != "" && r.TenantID == p.Tenant {
				return nil
			}
			return custos.Errorf(custos.KindNotFound, "no such request")
		}
		return custos.Errorf(custos.KindForbidden, "role %s may not see subject requests", p.Role)
	}
	if c.Key == "" || len(r.AccessHash) == 0 || subtle.ConstantTimeCompare(HashKey(c.Key), r.AccessHash) != 1 {
		return custos.Errorf(custos.KindNotFound, "no such request")
	}
	return nil
}

// View is a request as the API shows it, with the recipients' confirmations of a deletion.
type View struct {
	*Request
	Recipients []Instruction `json:"recipients,omitempty"`
	// Pending names the recipients that have not confirmed yet.
	Pending []string `json:"pending,omitempty"`
	Overdue bool     `json:"overdue"`
}

func (s *Service) view(ctx context.Context, r *Request) (*View, error) {
	s.openTexts(ctx, r)
	v := &View{Request: r, Overdue: r.State.Open() && !r.DueAt.IsZero() && s.now().After(r.DueAt)}
	if r.Type == TypeDeletion {
		ins, err := s.Store.Instructions(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		v.Recipients = ins
		for _, in := range ins {
			if in.State != InstructionConfirmed {
				v.Pending = append(v.Pending, in.Recipient)
			}
		}
	}
	return v, nil
}

// authorized loads request id for a caller allowed to see it.
func (s *Service) authorized(ctx context.Context, c Caller, id string) (*Request, error) {
	r, err := s.Store.Request(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(r, c); err != nil {
		return nil, err
	}
	return r, nil
}

// closable refuses to close a request that is closed already, or a deletion that has
// started; verb says how it would have been closed ("declined", "withdrawn").
func closable(r *Request, verb string) error {
	if !r.State.Open() {
		return custos.Errorf(custos.KindConflict, "the request is already %s", r.State)
	}
	if r.Type == TypeDeletion && r.Step != "" {
		return custos.Errorf(custos.KindConflict, "the deletion has started and can no longer be %s", verb)
	}
	return nil
}

// Get shows a request to a caller allowed to see it.
func (s *Service) Get(ctx context.Context, c Caller, id string) (*View, error) {
	r, err := s.authorized(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, r)
}

// History shows a request's steps, oldest first.
func (s *Service) History(ctx context.Context, c Caller, id string) ([]History, error) {
	if _, err := s.authorized(ctx, c, id); err != nil {
		return nil, err
	}
	return s.Store.RequestHistory(ctx, id)
}

// List serves the officer's queue: overdue first, then by due date.
func (s *Service) List(ctx context.Context, by auth.Principal, f Filter) ([]*View, error) {
	if by.Role == auth.RoleCustomerAdmin {
		f.TenantID = by.Tenant
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	f.Now = s.now()
	rs, err := s.Store.Requests(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]*View, 0, len(rs))
	for i := range rs {
		v, err := s.view(ctx, &rs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// DeclineInput is a decline: one of the eight grounds, a written explanation and the
// external route to dispute it (R-DSR-7).
type DeclineInput struct {
	Ground      Ground `json:"ground"`
	Explanation string `json:"explanation"`
	Dispute     string `json:"dispute_route"`
}

// Decline closes a request on one of the eight grounds (R-DSR-7), telling the subject why
// and how to dispute it (R-DSR-6). Anything else is refused.
func (s *Service) Decline(ctx context.Context, by auth.Principal, id string, in DeclineInput) (*View, error) {
	if !ValidGround(in.Ground) {
		return nil, custos.FieldError(custos.KindUnprocessable, "ground", "not one of the eight grounds the statement allows (R-DSR-7)")
	}
	if len(strings.TrimSpace(in.Explanation)) < 10 {
		return nil, custos.FieldError(custos.KindUnprocessable, "explanation", "a decline needs a written explanation (R-DSR-6, R-DSR-7)")
	}
	if len(strings.TrimSpace(in.Dispute)) < 5 {
		return nil, custos.FieldError(custos.KindUnprocessable, "dispute_route", "a decline names the external route to dispute it (R-DSR-6)")
	}
	if len(in.Explanation) > 16<<10 || len(in.Dispute) > 4<<10 {
		return nil, custos.FieldError(custos.KindInvalid, "explanation", "too long")
	}
	r, err := s.authorized(ctx, Caller{Principal: &by}, id)
	if err != nil {
		return nil, err
	}
	if err := closable(r, "declined"); err != nil {
		return nil, err
	}
	now := s.now()
	r.State, r.ClosedAt, r.UpdatedAt = StateDeclined, now, now
	r.Decline = &Decline{Ground: in.Ground, Explanation: strings.TrimSpace(in.Explanation), Dispute: strings.TrimSpace(in.Dispute), At: now, By: by.Actor()}
	c := &Change{Request: r}
	ev := s.event(r, by.Actor(), string(by.Role), "dsr.decline", "R-DSR-7", "R-DSR-6")
	ev.Details["ground"] = string(in.Ground) // the explanation may hold PI; the ground does not
	c.Events = append(c.Events, ev)
	c.History = append(c.History, r.history(now, by.Actor(), "declined", string(in.Ground)))
	if m, err := s.subjectMail(ctx, r, declineMail); err != nil {
		return nil, err
	} else if m != nil {
		c.Mail = append(c.Mail, *m)
	}
	if _, err := s.update(ctx, c); err != nil {
		return nil, err
	}
	return s.view(ctx, r)
}

// Withdraw closes a request its subject (or staff on its behalf) no longer wants. A
// deletion that has started cannot be withdrawn.
func (s *Service) Withdraw(ctx context.Context, c Caller, id string) (*View, error) {
	r, err := s.authorized(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := closable(r, "withdrawn"); err != nil {
		return nil, err
	}
	now := s.now()
	who, role := c.actor()
	r.State, r.ClosedAt, r.UpdatedAt = StateWithdrawn, now, now
	ch := &Change{Request: r}
	ch.Events = append(ch.Events, s.event(r, who, role, "dsr.withdraw", "R-DSR-6"))
	ch.History = append(ch.History, r.history(now, who, "withdrawn", ""))
	if err := s.Store.UpdateRequest(ctx, ch); err != nil {
		return nil, err
	}
	return s.view(ctx, r)
}

// Instruct records the customer's written instruction on an end user's request routed to
// it (R-INV-3): proceed, with the customer's own reference to its written instruction.
func (s *Service) Instruct(ctx context.Context, by auth.Principal, id, reference string) (*View, error) {
	reference = strings.TrimSpace(reference)
	if reference == "" || len(reference) > 200 {
		return nil, custos.FieldError(custos.KindInvalid, "reference", "name the customer's written instruction (at most 200 bytes)")
	}
	r, err := s.authorized(ctx, Caller{Principal: &by}, id)
	if err != nil {
		return nil, err
	}
	if by.Role == auth.RoleCustomerAdmin && by.Tenant != r.RoutedTo {
		return nil, custos.Errorf(custos.KindForbidden, "only the customer the request is routed to may instruct (R-INV-3)")
	}
	if r.RoutedTo == "" {
		return nil, custos.Errorf(custos.KindConflict, "this request is not routed to a customer")
	}
	if !r.InstructionAt.IsZero() {
		return nil, custos.Errorf(custos.KindConflict, "the customer's instruction is already recorded")
	}
	if !r.State.Open() {
		return nil, custos.Errorf(custos.KindConflict, "the request is already %s", r.State)
	}
	now := s.now()
	r.InstructionAt, r.UpdatedAt = now, now
	c := &Change{Request: r}
	ev := s.event(r, by.Actor(), string(by.Role), "dsr.customer_instruction", "R-INV-3")
	c.Events = append(c.Events, ev)
	c.History = append(c.History, r.history(now, by.Actor(), "customer_instruction", ""))
	if err := s.Store.UpdateRequest(ctx, c); err != nil {
		return nil, err
	}
	s.kick(ctx)
	return s.view(ctx, r)
}

// Answer completes a complaint or an explanation with the officer's written answer, sent
// to the subject (R-CON-1, R-DSR-6).
func (s *Service) Answer(ctx context.Context, by auth.Principal, id, text string) (*View, error) {
	text = strings.TrimSpace(text)
	if len(text) < 10 || len(text) > 64<<10 {
		return nil, custos.FieldError(custos.KindInvalid, "text", "a written answer of 10 bytes to 64 KiB")
	}
	r, err := s.authorized(ctx, Caller{Principal: &by}, id)
	if err != nil {
		return nil, err
	}
	if r.Type != TypeComplaint && r.Type != TypeExplanation {
		return nil, custos.Errorf(custos.KindConflict, "only complaints and explanations are answered in writing; the rest are fulfilled")
	}
	if r.State != StateVerified && r.State != StateInProgress {
		return nil, custos.Errorf(custos.KindConflict, "the request is %s", r.State)
	}
	if r.RoutedTo != "" && r.InstructionAt.IsZero() {
		return nil, custos.Errorf(custos.KindConflict, "awaiting the customer's written instruction (R-INV-3)")
	}
	now := s.now()
	r.State, r.Answer, r.ClosedAt, r.UpdatedAt = StateCompleted, text, now, now
	c := &Change{Request: r}
	rids := []string{"R-DSR-6"}
	if r.Type == TypeComplaint {
		rids = append(rids, "R-CON-1")
	}
	c.Events = append(c.Events, s.event(r, by.Actor(), string(by.Role), "dsr.complete", rids...))
	c.History = append(c.History, r.history(now, by.Actor(), "answered", ""))
	if m, err := s.subjectMail(ctx, r, answerMail); err != nil {
		return nil, err
	} else if m != nil {
		c.Mail = append(c.Mail, *m)
	}
	if _, err := s.update(ctx, c); err != nil {
		return nil, err
	}
	return s.view(ctx, r)
}

// ParseStates reads a comma-separated state list.
func ParseStates(s string) ([]State, error) {
	if s == "" {
		return nil, nil
	}
	var out []State
	for _, x := range strings.Split(s, ",") {
		st := State(strings.TrimSpace(x))
		ok := false
		for _, k := range States {
			if k == st {
				ok = true
			}
		}
		if !ok {
			return nil, custos.FieldError(custos.KindInvalid, "state", fmt.Sprintf("want one of %v", States))
		}
		out = append(out, st)
	}
	return out, nil
}

// ParseTime reads an RFC 3339 time.
func ParseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, custos.FieldError(custos.KindInvalid, field, "want an RFC 3339 time")
	}
	return t.UTC(), nil
}
