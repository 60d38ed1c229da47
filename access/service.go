package access

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/mail"
	"custos.dev/custos/policy"
)

// Admins finds the e-mail addresses of a tenant's administrators (the subjects of kind
// customer_administrator, whose addresses are sealed in their profiles).
type Admins interface {
	AdministratorEmails(ctx context.Context, tenantID string) ([]string, error)
}

// Service runs supervised access. Build it with New.
type Service struct {
	Store  Store
	Policy *policy.Engine
	// Admins gives the addresses the customer's notices go to; nil sends none.
	Admins Admins
	Log    *slog.Logger
	Now    func() time.Time

	index Index
}

// New returns a service over store; call Refresh (or Watch) before relying on Holds.
func New(store Store, eng *policy.Engine, admins Admins, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Store: store, Policy: eng, Admins: admins, Log: log}
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// newID is a time-ordered id like the vault's: 6 bytes of milliseconds, 10 random.
func newID(prefix string, now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	return prefix + hex.EncodeToString(b[:])
}

// rids are the requirements a change of r implements.
func rids(r *Request) []string {
	if r.Abroad() {
		return []string{"R-RES-2", "R-RES-3", "R-SUP-1"}
	}
	return []string{"R-RES-2", "R-SUP-1"}
}

func (s *Service) event(by auth.Principal, action string, r *Request, at time.Time) *auditlog.Event {
	ev := &auditlog.Event{Time: at, Actor: by.Actor(), Role: string(by.Role), Action: action, Tenant: r.TenantID,
		Object: "access_request/" + r.ID, RIDs: rids(r)}
	ev.Details = map[string]string{"state": string(r.State), "entity": r.Entity, "country": r.Country,
		"categories": join(r.Categories), "purpose": r.Purpose}
	return ev
}

// canSee keeps each caller to the requests it may know of: a customer's administrator to
// its tenant's, an engineer to its own.
func canSee(by auth.Principal, r *Request) bool {
	switch by.Role {
	case auth.RoleCustomerAdmin:
		return by.Tenant == r.TenantID
	case auth.RoleSupportEngineer:
		return by.TokenID == r.RequesterToken
	case auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleAuditor:
		return true
	}
	return false
}

// Get returns a request with its history.
func (s *Service) Get(ctx context.Context, by auth.Principal, id string) (*Request, error) {
	r, err := s.Store.AccessRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSee(by, r) {
		// The same answer as a missing request: ids of other tenants' requests stay secret.
		return nil, custos.Errorf(custos.KindNotFound, "no such access request")
	}
	return r, nil
}

// List lists the requests the caller may see, newest first.
func (s *Service) List(ctx context.Context, by auth.Principal, f Filter) ([]Request, error) {
	switch by.Role {
	case auth.RoleCustomerAdmin:
		if f.TenantID != "" && f.TenantID != by.Tenant {
			return nil, custos.Errorf(custos.KindForbidden, "a customer administrator acts only within its own tenant (R-INV-3)")
		}
		f.TenantID = by.Tenant
	case auth.RoleSupportEngineer:
		f.RequesterToken = by.TokenID
	case auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleAuditor:
	default:
		return nil, custos.Errorf(custos.KindForbidden, "role %s may not list access requests", by.Role)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	out, err := s.Store.AccessRequests(ctx, f)
	if out == nil {
		out = []Request{}
	}
	return out, err
}

// Settings returns a tenant's access settings (defaults when never set).
func (s *Service) Settings(ctx context.Context, by auth.Principal, tenantID string) (Settings, error) {
	if err := by.InTenant(tenantID); err != nil {
		return Settings{}, err
	}
	return s.Store.AccessSettings(ctx, tenantID)
}

// PutSettings changes a tenant's access settings; the customer's administrator or an
// operator administrator may. A change applies to requests made after it.
func (s *Service) PutSettings(ctx context.Context, by auth.Principal, in Settings) (Settings, error) {
	if err := by.InTenant(in.TenantID); err != nil {
		return Settings{}, err
	}
	if by.Role != auth.RoleCustomerAdmin && by.Role != auth.RoleOperatorAdmin {
		return Settings{}, custos.Errorf(custos.KindForbidden, "role %s may not change access settings", by.Role)
	}
	in.UpdatedAt = s.now()
	ev := &auditlog.Event{Time: in.UpdatedAt, Actor: by.Actor(), Role: string(by.Role), Action: "access.settings",
		Tenant: in.TenantID, Object: "tenant/" + in.TenantID + "/access-settings", RIDs: []string{"R-RES-2", "R-SUP-1"},
		Details: map[string]string{"second_approval": boolString(in.SecondApproval)}}
	if err := s.Store.PutAccessSettings(ctx, in, ev); err != nil {
		return Settings{}, err
	}
	return in, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Approve records an approval. A customer's administrator of the request's tenant gives
// the customer's; an operator administrator gives the operator manager's second approval
// where the tenant asks for one. The grant starts when every approval needed is in. A
// request from abroad without its transfer mechanism, consent basis and recipient cannot
// be approved (R-RES-3).
func (s *Service) Approve(ctx context.Context, by auth.Principal, id string) (*Request, error) {
	r, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := s.stillPending(ctx, r); err != nil {
		return nil, err
	}
	now := s.now()
	action := ""
	switch by.Role {
	case auth.RoleCustomerAdmin:
		if r.CustomerApprover != "" {
			return nil, custos.Errorf(custos.KindConflict, "the customer already approved this request")
		}
		if err := s.approvable(r); err != nil {
			return nil, err
		}
		r.CustomerApprover, r.CustomerApprovedAt, action = by.TokenID, now, "customer_approved"
	case auth.RoleOperatorAdmin:
		if !r.SecondApproval {
			return nil, custos.Errorf(custos.KindConflict, "this tenant asks for no operator approval; the customer approves")
		}
		if r.OperatorApprover != "" {
			return nil, custos.Errorf(custos.KindConflict, "an operator manager already approved this request")
		}
		if err := s.approvable(r); err != nil {
			return nil, err
		}
		r.OperatorApprover, r.OperatorApprovedAt, action = by.TokenID, now, "operator_approved"
	default:
		return nil, custos.Errorf(custos.KindForbidden, "only the customer's administrator, or an operator manager for the second approval, approves access")
	}
	var msgs []mail.Message
	granted := r.CustomerApprover != "" && (!r.SecondApproval || r.OperatorApprover != "")
	if granted {
		r.State, r.StartsAt, r.ExpiresAt = StateActive, now, now.Add(r.Duration)
		if msgs, err = s.notice(ctx, r, noticeGranted); err != nil {
			return nil, err
		}
	}
	ev := s.event(by, "access."+action, r, now)
	if granted {
		ev.Details["expires_at"] = r.ExpiresAt.Format(time.RFC3339)
	}
	ch := &Change{At: now, Actor: by.Actor(), Role: string(by.Role), Action: action, State: r.State}
	if err := s.Store.UpdateAccessRequest(ctx, r, ch, granted, msgs, ev); err != nil {
		return nil, err
	}
	if granted {
		s.refreshQuietly(ctx)
	}
	return s.Store.AccessRequest(ctx, id)
}

// approvable checks that a request from abroad carries what R-RES-3 asks of it.
func (s *Service) approvable(r *Request) error {
	if !r.Abroad() {
		return nil
	}
	if r.Transfer == nil || r.Transfer.Mechanism == "" || r.Transfer.Reference == "" {
		return custos.FieldError(custos.KindUnprocessable, "transfer", "access from abroad cannot be approved without its transfer mechanism and reference (R-RES-3)")
	}
	if r.Transfer.Mechanism == MechanismExemption && !s.Policy.AccessGrants().Exemption(r.Transfer.Exemption) {
		return custos.FieldError(custos.KindUnprocessable, "transfer.exemption", "not an exemption the policy lists (R-RES-3)")
	}
	if r.Consent == nil || r.Consent.Basis == "" || r.Consent.Reference == "" {
		return custos.FieldError(custos.KindUnprocessable, "consent", "access from abroad cannot be approved without the subjects' separate consent or a documented exemption (R-RES-3)")
	}
	if r.Recipient == nil || r.Recipient.Name == "" || r.Recipient.Contact == "" {
		return custos.FieldError(custos.KindUnprocessable, "recipient", "access from abroad cannot be approved without the recipient's name and contact (R-RES-3)")
	}
	return nil
}

// stillPending refuses a change to a request that is no longer pending, and expires one
// whose time to be approved has passed.
func (s *Service) stillPending(ctx context.Context, r *Request) error {
	if r.State != StatePending {
		return custos.Errorf(custos.KindConflict, "the request is %s", r.State)
	}
	if !s.now().Before(r.PendingUntil) {
		if err := s.end(ctx, auth.System, r, StateExpired, EndExpired); err != nil && custos.KindOf(err) != custos.KindConflict {
			return err
		}
		return custos.Errorf(custos.KindConflict, "the request expired before it was approved")
	}
	return nil
}

// Deny refuses a pending request; a denial is final.
func (s *Service) Deny(ctx context.Context, by auth.Principal, id string) (*Request, error) {
	if by.Role != auth.RoleCustomerAdmin && by.Role != auth.RoleOperatorAdmin {
		return nil, custos.Errorf(custos.KindForbidden, "only the customer's administrator or an operator manager denies access")
	}
	r, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := s.stillPending(ctx, r); err != nil {
		return nil, err
	}
	if err := s.end(ctx, by, r, StateDenied, "denied"); err != nil {
		return nil, err
	}
	return s.Store.AccessRequest(ctx, id)
}

// Revoke ends an active grant at once, or withdraws a pending request: the customer's
// administrator of its tenant may, and so may the operator's administrators and privacy
// officers.
func (s *Service) Revoke(ctx context.Context, by auth.Principal, id string) (*Request, error) {
	switch by.Role {
	case auth.RoleCustomerAdmin, auth.RoleOperatorAdmin, auth.RolePrivacyOfficer:
	default:
		return nil, custos.Errorf(custos.KindForbidden, "role %s may not revoke access", by.Role)
	}
	return s.finish(ctx, by, id, EndRevoked)
}

// Resolve ends the grant because the ticket is solved (R-RES-2): the engineer who asked, or
// an operator administrator, says so.
func (s *Service) Resolve(ctx context.Context, by auth.Principal, id string) (*Request, error) {
	r, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !(by.Role == auth.RoleSupportEngineer && by.TokenID == r.RequesterToken) && by.Role != auth.RoleOperatorAdmin {
		return nil, custos.Errorf(custos.KindForbidden, "only the engineer who asked, or an operator administrator, resolves a request")
	}
	return s.finish(ctx, by, id, EndResolved)
}

func (s *Service) finish(ctx context.Context, by auth.Principal, id, reason string) (*Request, error) {
	r, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if r.State != StatePending && r.State != StateActive {
		return nil, custos.Errorf(custos.KindConflict, "the request is already %s", r.State)
	}
	if err := s.end(ctx, by, r, StateEnded, reason); err != nil {
		return nil, err
	}
	return s.Store.AccessRequest(ctx, id)
}

// end moves r to a final state, with its history entry, audit event and notice.
func (s *Service) end(ctx context.Context, by auth.Principal, r *Request, to State, reason string) error {
	now := s.now()
	wasActive := r.State == StateActive
	r.State, r.EndedAt, r.EndReason, r.EndedBy = to, now, reason, by.Actor()
	kind := noticeClosed
	if wasActive {
		kind = noticeEnded
	}
	msgs, err := s.notice(ctx, r, kind)
	if err != nil {
		return err
	}
	action := map[State]string{StateDenied: "denied", StateExpired: "expired", StateEnded: "ended"}[to]
	ev := s.event(by, "access."+action, r, now)
	ev.Details["reason"] = reason
	ch := &Change{At: now, Actor: by.Actor(), Role: string(by.Role), Action: action, State: to, Reason: reason}
	if err := s.Store.UpdateAccessRequest(ctx, r, ch, wasActive, msgs, ev); err != nil {
		return err
	}
	if wasActive {
		s.refreshQuietly(ctx)
	}
	return nil
}

// Sweep moves on every request that is due: pending ones past their time expire; grants
// past their end, or whose approver or requester lost its token, end. Reads were already
// refused from the moment each became due (Confirm checks the same conditions); the sweep
// makes the end official, notifies the customer and keeps the history. It is idempotent
// and safe on several instances at once: a request another instance moved is skipped.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	due, err := s.Store.AccessDue(ctx, s.now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		to := StateEnded
		if d.Request.State == StatePending {
			to = StateExpired
		}
		err := s.end(ctx, auth.System, d.Request, to, d.Reason)
		if custos.KindOf(err) == custos.KindConflict {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
