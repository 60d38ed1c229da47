package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/retention"
)

var (
	// Lifecycle changes: the operator's staff, and a customer's administrator for its
	// own tenant's cancellations (the service checks the tenant).
	lifecycleReaders = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleCustomerAdmin, auth.RoleAuditor}
	holdWriters      = []auth.Role{auth.RolePrivacyOfficer}
	retentionReaders = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleAuditor}
)

func (s *Server) retentionRoutes() []Route {
	return []Route{
		{"POST", "/v1/subjects/{id}/cancel", subjectAdmins, s.cancelSubject},
		{"POST", "/v1/subjects/{id}/trial", privacyStaff, s.startTrial},
		{"POST", "/v1/subjects/{id}/activate", privacyStaff, s.activateSubject},
		{"GET", "/v1/subjects/{id}/lifecycle", lifecycleReaders, s.getLifecycle},
		{"POST", "/v1/tenants/{id}/cancel", subjectAdmins, s.cancelTenant},
		{"POST", "/v1/tenants/{id}/trial", privacyStaff, s.startTenantTrial},
		{"POST", "/v1/tenants/{id}/activate", privacyStaff, s.activateTenant},
		{"GET", "/v1/legal-holds", retentionReaders, s.listHolds},
		{"POST", "/v1/legal-holds", holdWriters, s.placeHold},
		{"DELETE", "/v1/legal-holds/{id}", holdWriters, s.liftHold},
		{"GET", "/v1/terminations", retentionReaders, s.listTerminations},
		{"POST", "/v1/terminations", admins, s.declareTermination},
		{"GET", "/v1/announcements", everyone, s.listAnnouncements},
		{"GET", "/v1/retention/schedule", retentionReaders, s.retentionSchedule},
	}
}

// decodeOptional decodes a JSON body if there is one.
func decodeOptional(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	data, err := readJSONBody(w, r, limit)
	if err != nil || len(data) == 0 {
		return err
	}
	return DecodeStrict(data, v)
}

func (s *Server) cancelSubject(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeOptional(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	if err := s.d.Retention.CancelSubject(r.Context(), principal(r.Context()), r.PathValue("id"), req.Reason); err != nil {
		return err
	}
	return s.getLifecycle(w, r)
}

type trialRequest struct {
	EndsAt time.Time `json:"ends_at"`
}

func (s *Server) startTrial(w http.ResponseWriter, r *http.Request) error {
	var req trialRequest
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	if err := s.d.Retention.StartTrial(r.Context(), principal(r.Context()), r.PathValue("id"), req.EndsAt); err != nil {
		return err
	}
	return s.getLifecycle(w, r)
}

func (s *Server) activateSubject(w http.ResponseWriter, r *http.Request) error {
	if err := s.d.Retention.Activate(r.Context(), principal(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	return s.getLifecycle(w, r)
}

func (s *Server) getLifecycle(w http.ResponseWriter, r *http.Request) error {
	v, err := s.d.Retention.Lifecycle(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) tenantResult(w http.ResponseWriter, r *http.Request, n int) error {
	t, err := s.d.Retention.Store.TenantState(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tenant_id": t.ID, "state": t.State, "since": t.Since,
		"trial_ends_at": t.TrialEndsAt, "subjects_changed": n})
	return nil
}

func (s *Server) cancelTenant(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeOptional(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	n, err := s.d.Retention.CancelTenant(r.Context(), principal(r.Context()), r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	return s.tenantResult(w, r, n)
}

func (s *Server) startTenantTrial(w http.ResponseWriter, r *http.Request) error {
	var req trialRequest
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	n, err := s.d.Retention.StartTenantTrial(r.Context(), principal(r.Context()), r.PathValue("id"), req.EndsAt)
	if err != nil {
		return err
	}
	return s.tenantResult(w, r, n)
}

func (s *Server) activateTenant(w http.ResponseWriter, r *http.Request) error {
	n, err := s.d.Retention.ActivateTenant(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.tenantResult(w, r, n)
}

func (s *Server) listHolds(w http.ResponseWriter, r *http.Request) error {
	hs, err := s.d.Retention.Holds(r.Context(), principal(r.Context()), r.URL.Query().Get("all") == "true")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"legal_holds": hs})
	return nil
}

func (s *Server) placeHold(w http.ResponseWriter, r *http.Request) error {
	var req retention.NewHold
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	h, err := s.d.Retention.PlaceHold(r.Context(), principal(r.Context()), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/legal-holds/"+h.ID)
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) liftHold(w http.ResponseWriter, r *http.Request) error {
	h, err := s.d.Retention.LiftHold(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) listTerminations(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.d.Retention.Terminations(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"terminations": ts})
	return nil
}

func (s *Server) declareTermination(w http.ResponseWriter, r *http.Request) error {
	var req retention.NewTermination
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	t, err := s.d.Retention.DeclareTermination(r.Context(), principal(r.Context()), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) listAnnouncements(w http.ResponseWriter, r *http.Request) error {
	as, err := s.d.Retention.Announcements(r.Context(), 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"announcements": as})
	return nil
}

// retentionSchedule answers GET /v1/retention/schedule?until=…&limit=…: what will be
// deleted or anonymised by until (default 90 days from now), soonest first.
func (s *Server) retentionSchedule(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	until := time.Now().UTC().AddDate(0, 0, 90)
	if v := q.Get("until"); v != "" {
		t, err := ParseUntil(v)
		if err != nil {
			return custos.FieldError(custos.KindInvalid, "until", "want a date (YYYY-MM-DD) or an RFC 3339 time")
		}
		until = t
	}
	limit := 1000
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return custos.FieldError(custos.KindInvalid, "limit", "want a number from 1 to 10000")
		}
		limit = n
	}
	p, err := s.d.Retention.Schedule(r.Context(), principal(r.Context()), until, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// ParseUntil parses a date (the end of that day, UTC) or an RFC 3339 time.
func ParseUntil(v string) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return d.AddDate(0, 0, 1).Add(-time.Microsecond), nil
	}
	return time.Parse(time.RFC3339, v)
}
