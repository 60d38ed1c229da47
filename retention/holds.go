package retention

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custos.dev/custos"
	"custos.dev/custos/auth"
)

// NewHold is what placing a legal hold takes.
type NewHold struct {
	SubjectIDs []string  `json:"subject_ids"`
	Reason     string    `json:"reason"`
	EndsAt     time.Time `json:"ends_at"`
}

// PlaceHold suspends every deletion and anonymisation of the named subjects until the
// hold is lifted or ends (R-RET-2: kept as law requires). Only a privacy officer places
// holds. The reason is stored with the hold and never copied into the audit log.
func (s *Service) PlaceHold(ctx context.Context, by auth.Principal, in NewHold) (*Hold, error) {
	if by.Role != auth.RolePrivacyOfficer {
		return nil, custos.Errorf(custos.KindForbidden, "only a privacy officer places legal holds")
	}
	if len(in.SubjectIDs) == 0 || len(in.SubjectIDs) > 1000 {
		return nil, custos.FieldError(custos.KindInvalid, "subject_ids", "name 1 to 1000 subjects")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 1000 {
		return nil, custos.FieldError(custos.KindInvalid, "reason", "required, at most 1000 characters")
	}
	now := s.now()
	if !in.EndsAt.After(now) {
		return nil, custos.FieldError(custos.KindInvalid, "ends_at", "must be in the future")
	}
	ids := slices.Clone(in.SubjectIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var tenants []string
	for _, id := range ids {
		st, err := s.Store.SubjectState(ctx, id)
		if custos.KindOf(err) == custos.KindNotFound {
			return nil, custos.FieldError(custos.KindUnprocessable, "subject_ids", "no such subject")
		} else if err != nil {
			return nil, err
		}
		if !st.ErasedAt.IsZero() {
			return nil, custos.FieldError(custos.KindUnprocessable, "subject_ids", "a subject is already erased: nothing is left to hold")
		}
		tenants = append(tenants, st.TenantID)
	}
	h := &Hold{ID: newID("lh_"), SubjectIDs: ids, Reason: in.Reason, PlacedBy: by.Actor(), PlacedAt: now, EndsAt: in.EndsAt.UTC()}
	ev := event(by, "legal_hold.place", "", "", "legal_hold/"+h.ID, "R-RET-2")
	ev.Details = map[string]string{"subjects": strings.Join(ids, ","), "tenants": strings.Join(slices.Compact(slices.Sorted(slices.Values(tenants))), ","),
		"ends_at": h.EndsAt.Format(time.RFC3339)}
	if err := s.Store.PlaceHold(ctx, h, ev); err != nil {
		return nil, err
	}
	return h, nil
}

// LiftHold ends a hold now; deletions it suspended happen at the next sweep. Lifting a
// lifted hold changes nothing.
func (s *Service) LiftHold(ctx context.Context, by auth.Principal, id string) (*Hold, error) {
	if by.Role != auth.RolePrivacyOfficer {
		return nil, custos.Errorf(custos.KindForbidden, "only a privacy officer lifts legal holds")
	}
	h, err := s.Store.Hold(ctx, id)
	if err != nil {
		return nil, err
	}
	if h.LiftedAt.IsZero() {
		if _, err := s.Store.LiftHold(ctx, id, s.now(), event(by, "legal_hold.lift", "", "", "legal_hold/"+id, "R-RET-2", "R-RET-3")); err != nil {
			return nil, err
		}
	}
	return s.Store.Hold(ctx, id)
}

// Holds lists the holds in force, or every hold.
func (s *Service) Holds(ctx context.Context, by auth.Principal, all bool) ([]*Hold, error) {
	if by.Role == auth.RoleCustomerAdmin {
		return nil, custos.Errorf(custos.KindForbidden, "legal holds are the operator's")
	}
	return s.Store.Holds(ctx, s.now(), all)
}

// Held reports whether a legal hold in force names the subject (subject.Service.Held).
func (s *Service) Held(ctx context.Context, subjectID string) (bool, error) {
	holds, err := s.Store.Holds(ctx, s.now(), false)
	if err != nil {
		return false, err
	}
	for _, h := range holds {
		if slices.Contains(h.SubjectIDs, subjectID) {
			return true, nil
		}
	}
	return false, nil
}
