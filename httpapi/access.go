package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/access"
	"custos.dev/custos/auth"
)

var (
	accessViewers  = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleAuditor, auth.RoleCustomerAdmin, auth.RoleSupportEngineer}
	accessReaders  = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleAuditor, auth.RoleCustomerAdmin}
	approvers      = []auth.Role{auth.RoleCustomerAdmin, auth.RoleOperatorAdmin}
	revokers       = []auth.Role{auth.RoleCustomerAdmin, auth.RoleOperatorAdmin, auth.RolePrivacyOfficer}
	resolvers      = []auth.Role{auth.RoleSupportEngineer, auth.RoleOperatorAdmin}
	abroadReaders  = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleAuditor}
	settingsEditor = []auth.Role{auth.RoleOperatorAdmin, auth.RoleCustomerAdmin}
	settingsReader = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleCustomerAdmin}
)

// accessRoutes are supervised access to customer data (docs/access.md).
func (s *Server) accessRoutes() []Route {
	return []Route{
		{"POST", "/v1/access-requests", []auth.Role{auth.RoleSupportEngineer}, s.createAccessRequest},
		{"GET", "/v1/access-requests", accessViewers, s.listAccessRequests},
		{"GET", "/v1/access-requests/{id}", accessViewers, s.getAccessRequest},
		{"POST", "/v1/access-requests/{id}/approve", approvers, s.accessAction(s.d.Access.Approve)},
		{"POST", "/v1/access-requests/{id}/deny", approvers, s.accessAction(s.d.Access.Deny)},
		{"POST", "/v1/access-requests/{id}/revoke", revokers, s.accessAction(s.d.Access.Revoke)},
		{"POST", "/v1/access-requests/{id}/resolve", resolvers, s.accessAction(s.d.Access.Resolve)},
		{"GET", "/v1/access-reads", accessReaders, s.listAccessReads},
		{"GET", "/v1/access-abroad", abroadReaders, s.accessAbroad},
		{"GET", "/v1/tenants/{id}/access-settings", settingsReader, s.getAccessSettings},
		{"PUT", "/v1/tenants/{id}/access-settings", settingsEditor, s.putAccessSettings},
	}
}

// accessRequestView adds the grant's duration in seconds to a request.
type accessRequestView struct {
	*access.Request
	DurationSeconds int64 `json:"duration_seconds"`
}

func viewRequest(r *access.Request) accessRequestView {
	return accessRequestView{Request: r, DurationSeconds: int64(r.Duration / time.Second)}
}

func (s *Server) createAccessRequest(w http.ResponseWriter, r *http.Request) error {
	var req access.NewRequest
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	ar, err := s.d.Access.Create(r.Context(), principal(r.Context()), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/access-requests/"+ar.ID)
	writeJSON(w, http.StatusCreated, viewRequest(ar))
	return nil
}

func (s *Server) listAccessRequests(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := access.Filter{TenantID: q.Get("tenant_id"), State: access.State(q.Get("state"))}
	switch f.State {
	case "", access.StatePending, access.StateActive, access.StateDenied, access.StateExpired, access.StateEnded:
	default:
		return custos.FieldError(custos.KindInvalid, "state", "want pending, active, denied, expired or ended")
	}
	list, err := s.d.Access.List(r.Context(), principal(r.Context()), f)
	if err != nil {
		return err
	}
	out := make([]accessRequestView, len(list))
	for i := range list {
		out[i] = viewRequest(&list[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": out})
	return nil
}

func (s *Server) getAccessRequest(w http.ResponseWriter, r *http.Request) error {
	ar, err := s.d.Access.Get(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRequest(ar))
	return nil
}

// accessAction serves the state changes, which take no body.
func (s *Server) accessAction(fn func(context.Context, auth.Principal, string) (*access.Request, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.ContentLength > 0 {
			var empty struct{}
			if err := decodeJSON(w, r, s.d.MaxBody, &empty); err != nil {
				return err
			}
		}
		ar, err := fn(r.Context(), principal(r.Context()), r.PathValue("id"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, viewRequest(ar))
		return nil
	}
}

func (s *Server) listAccessReads(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := access.ReadFilter{TenantID: q.Get("tenant_id"), GrantID: q.Get("grant_id")}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return custos.FieldError(custos.KindInvalid, "since", "want an RFC 3339 time")
		}
		f.Since = t
	}
	reads, err := s.d.Access.Reads(r.Context(), principal(r.Context()), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reads": reads})
	return nil
}

func (s *Server) accessAbroad(w http.ResponseWriter, r *http.Request) error {
	year := 0
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 9999 {
			return custos.FieldError(custos.KindInvalid, "year", "want a year such as 2026")
		}
		year = y
	}
	a, err := s.d.Access.AbroadCounts(r.Context(), year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) getAccessSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.d.Access.Settings(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) putAccessSettings(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		SecondApproval *bool `json:"second_approval"`
	}
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	if req.SecondApproval == nil {
		return custos.FieldError(custos.KindInvalid, "second_approval", "required")
	}
	st, err := s.d.Access.PutSettings(r.Context(), principal(r.Context()), access.Settings{TenantID: r.PathValue("id"), SecondApproval: *req.SecondApproval})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
