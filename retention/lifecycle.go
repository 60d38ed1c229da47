package retention

import (
	"context"
	"slices"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
)

func (s *Service) subject(ctx context.Context, by auth.Principal, id string) (*SubjectState, error) {
	st, err := s.Store.SubjectState(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := by.InTenant(st.TenantID); err != nil {
		return nil, err
	}
	return st, nil
}

// CancelSubject cancels a subject's account (R-RET-2): from the next decision on, every
// purpose but the retained uses (storage, security, legal duties) is denied, and every
// category's retention clock starts now. Cancelling a cancelled, erased or anonymised
// subject changes nothing and is not an error. A customer's administrator may cancel its
// own tenant's subjects. reason is audited only if it is a code or an identifier.
func (s *Service) CancelSubject(ctx context.Context, by auth.Principal, subjectID, reason string) error {
	st, err := s.subject(ctx, by, subjectID)
	if err != nil {
		return err
	}
	if st.State != StateActive && st.State != StateTrial {
		return nil
	}
	ev := withReason(event(by, "lifecycle.cancel", st.TenantID, subjectID, "subject/"+subjectID, "R-RET-2"), reason)
	ev.Details["from"] = st.State
	_, err = s.Store.Transition(ctx, Transition{SubjectID: subjectID, From: []string{StateActive, StateTrial}, To: StateCancelled, At: s.now(), Event: ev})
	return err
}

// StartTrial puts an active subject on a trial that ends at endsAt (R-RET-5); a subject
// already on trial gets the new end.
func (s *Service) StartTrial(ctx context.Context, by auth.Principal, subjectID string, endsAt time.Time) error {
	st, err := s.subject(ctx, by, subjectID)
	if err != nil {
		return err
	}
	if !endsAt.After(s.now()) {
		return custos.FieldError(custos.KindInvalid, "ends_at", "must be in the future")
	}
	if st.State != StateActive && st.State != StateTrial {
		return custos.Errorf(custos.KindConflict, "a %s subject cannot start a trial", st.State)
	}
	ev := event(by, "lifecycle.trial", st.TenantID, subjectID, "subject/"+subjectID, "R-RET-5")
	ev.Details = map[string]string{"ends_at": endsAt.UTC().Format(time.RFC3339)}
	_, err = s.Store.Transition(ctx, Transition{SubjectID: subjectID, From: []string{StateActive, StateTrial}, To: StateTrial,
		At: s.now(), TrialEndsAt: endsAt.UTC(), Event: ev})
	return err
}

// Activate makes a trial subject a customer (a purchase): its trial data is kept as the
// data of an active account (R-RET-1). An active subject stays active.
func (s *Service) Activate(ctx context.Context, by auth.Principal, subjectID string) error {
	st, err := s.subject(ctx, by, subjectID)
	if err != nil {
		return err
	}
	switch st.State {
	case StateActive:
		return nil
	case StateTrial:
	default:
		return custos.Errorf(custos.KindConflict, "a %s subject cannot be made active again", st.State)
	}
	_, err = s.Store.Transition(ctx, Transition{SubjectID: subjectID, From: []string{StateTrial}, To: StateActive, At: s.now(),
		Event: event(by, "lifecycle.activate", st.TenantID, subjectID, "subject/"+subjectID, "R-RET-1", "R-RET-5")})
	return err
}

// CancelTenant cancels a customer account and every active or trial subject of it
// (R-RET-2), each with its own audit event. Cancelling a cancelled tenant cancels the
// subjects added since.
func (s *Service) CancelTenant(ctx context.Context, by auth.Principal, tenantID, reason string) (int, error) {
	if err := by.InTenant(tenantID); err != nil {
		return 0, err
	}
	if _, err := s.Store.TenantState(ctx, tenantID); err != nil {
		return 0, err
	}
	return s.Store.TransitionTenant(ctx, TenantTransition{
		TenantID: tenantID, From: []string{StateActive, StateTrial}, To: StateCancelled, At: s.now(),
		Event: withReason(event(by, "lifecycle.tenant_cancel", tenantID, "", "tenant/"+tenantID, "R-RET-2"), reason),
		SubjectEvent: func(id string) *auditlog.Event {
			return withReason(event(by, "lifecycle.cancel", tenantID, id, "subject/"+id, "R-RET-2"), reason)
		},
	})
}

// StartTenantTrial puts a tenant and its active subjects on a trial ending at endsAt (R-RET-5).
func (s *Service) StartTenantTrial(ctx context.Context, by auth.Principal, tenantID string, endsAt time.Time) (int, error) {
	if !endsAt.After(s.now()) {
		return 0, custos.FieldError(custos.KindInvalid, "ends_at", "must be in the future")
	}
	t, err := s.Store.TenantState(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	if t.State != StateActive && t.State != StateTrial {
		return 0, custos.Errorf(custos.KindConflict, "a %s tenant cannot start a trial", t.State)
	}
	end := endsAt.UTC().Format(time.RFC3339)
	ev := event(by, "lifecycle.tenant_trial", tenantID, "", "tenant/"+tenantID, "R-RET-5")
	ev.Details = map[string]string{"ends_at": end}
	return s.Store.TransitionTenant(ctx, TenantTransition{
		TenantID: tenantID, From: []string{StateActive, StateTrial}, To: StateTrial, At: s.now(), TrialEndsAt: endsAt.UTC(), Event: ev,
		SubjectEvent: func(id string) *auditlog.Event {
			e := event(by, "lifecycle.trial", tenantID, id, "subject/"+id, "R-RET-5")
			e.Details = map[string]string{"ends_at": end}
			return e
		},
	})
}

// ActivateTenant makes a trial tenant and its trial subjects customers (R-RET-1).
func (s *Service) ActivateTenant(ctx context.Context, by auth.Principal, tenantID string) (int, error) {
	t, err := s.Store.TenantState(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	if t.State != StateActive && t.State != StateTrial {
		return 0, custos.Errorf(custos.KindConflict, "a %s tenant cannot be made active again", t.State)
	}
	return s.Store.TransitionTenant(ctx, TenantTransition{
		TenantID: tenantID, From: []string{StateTrial}, To: StateActive, At: s.now(),
		Event: event(by, "lifecycle.tenant_activate", tenantID, "", "tenant/"+tenantID, "R-RET-1", "R-RET-5"),
		SubjectEvent: func(id string) *auditlog.Event {
			return event(by, "lifecycle.activate", tenantID, id, "subject/"+id, "R-RET-1", "R-RET-5")
		},
	})
}

// LifecycleView is a subject's lifecycle as the API shows it.
type LifecycleView struct {
	SubjectID   string    `json:"subject_id"`
	TenantID    string    `json:"tenant_id"`
	State       string    `json:"state"`
	Since       time.Time `json:"since,omitzero"`
	TrialEndsAt time.Time `json:"trial_ends_at,omitzero"`
	// LegalHolds are the holds in force; while there is one, nothing of the subject is deleted.
	LegalHolds []string `json:"legal_holds"`
	// Schedule is what will happen to the subject's data, and when.
	Schedule []Entry `json:"schedule"`
}

// Lifecycle shows a subject's state, holds and schedule.
func (s *Service) Lifecycle(ctx context.Context, by auth.Principal, subjectID string) (*LifecycleView, error) {
	st, err := s.subject(ctx, by, subjectID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	v := &LifecycleView{SubjectID: st.ID, TenantID: st.TenantID, State: st.State, Since: st.Since, TrialEndsAt: st.TrialEndsAt, LegalHolds: []string{}}
	holds, err := s.Store.Holds(ctx, now, false)
	if err != nil {
		return nil, err
	}
	for _, h := range holds {
		if slices.Contains(h.SubjectIDs, subjectID) {
			v.LegalHolds = append(v.LegalHolds, h.ID)
		}
	}
	if len(v.LegalHolds) > 0 && st.State == StateCancelled {
		v.State = StateLegalHold
	}
	plan, err := s.plan(ctx, planQuery{until: now.AddDate(100, 0, 0), subjectID: subjectID, limit: 1000})
	if err != nil {
		return nil, err
	}
	v.Schedule = plan.Entries
	return v, nil
}
