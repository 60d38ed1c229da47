package subject

import (
	"context"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
)

// Grants is supervised access as the vault sees it (package access implements it): where
// the policy makes a role need the customer's grant to reach a category (R-RES-2, R-SUP-1),
// the vault asks whether the caller holds one, and records every read made under one.
type Grants interface {
	// Holds answers from memory whether the principal holds an active grant on the tenant
	// for the category and purpose: the fact a decision needs, at decision speed.
	Holds(by auth.Principal, tenantID string, c policy.Category, p policy.Purpose, now time.Time) bool
	// Confirm asks the record every instance shares for the active grant covering a read
	// (any purpose when purpose is ""), and returns its id, or "" when none: a grant that
	// ended anywhere refuses the very next read.
	Confirm(ctx context.Context, by auth.Principal, tenantID, category, purpose string, now time.Time) (string, error)
	// RecordRead records a read made under a grant, with its audit event, in one
	// transaction, before the data leaves.
	RecordRead(ctx context.Context, r GrantRead, ev *auditlog.Event) error
}

// GrantRead is one read under a grant.
type GrantRead struct {
	GrantID    string
	By         auth.Principal
	TenantID   string
	Category   string
	Purpose    string // "" for a masked read
	Masked     bool
	Sensitive  bool // the data read is sensitive PI (R-INV-2), for the yearly counts (R-RES-3)
	SubjectIDs []string
	At         time.Time
}

// AdministratorEmails returns the e-mail addresses of a tenant's live administrators
// (subjects of kind customer_administrator), opened from their sealed profiles, for the
// notices the customer is owed. It is for custos's own mail, never for an API answer.
func (s *Service) AdministratorEmails(ctx context.Context, tenantID string) ([]string, error) {
	subs, err := s.Store.SubjectsOfKind(ctx, tenantID, KindCustomerAdministrator)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, sub := range subs {
		if !sub.ErasedAt.IsZero() {
			continue
		}
		p, err := s.profile(ctx, sub)
		if err != nil {
			return nil, err
		}
		if p.Email != "" && !seen[p.Email] {
			seen[p.Email] = true
			out = append(out, p.Email)
		}
	}
	return out, nil
}
