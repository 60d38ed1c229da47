package httpapi

import (
	"net/http"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/subject"
)

var (
	subjectAdmins  = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleCustomerAdmin}
	subjectReaders = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleCustomerAdmin, auth.RoleSupportEngineer}
	privacyStaff   = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer}
)

func (s *Server) subjectRoutes() []Route {
	return []Route{
		{"POST", "/v1/tenants", admins, s.createTenant},
		{"GET", "/v1/tenants/{id}", subjectAdmins, s.getTenant},
		{"POST", "/v1/tenants/{id}/real-name/verify", privacyStaff, s.verifyRealName},
		{"POST", "/v1/subjects", subjectAdmins, s.createSubject},
		{"GET", "/v1/subjects", subjectAdmins, s.findSubjects},
		{"GET", "/v1/subjects/{id}", subjectReaders, s.getSubject},
		{"DELETE", "/v1/subjects/{id}", privacyStaff, s.eraseSubject},
		{"PUT", "/v1/subjects/{id}/records/{category}", subjectAdmins, s.putRecord},
		{"GET", "/v1/subjects/{id}/records/{category}", subjectReaders, s.getRecord},
		{"POST", "/v1/subjects/{id}/consents", subjectAdmins, s.grantConsent},
		{"GET", "/v1/subjects/{id}/consents", subjectReaders, s.listConsents},
		{"DELETE", "/v1/subjects/{id}/consents/{consent_id}", subjectAdmins, s.withdrawConsent},
		{"POST", "/v1/subjects/{id}/decisions", askers, s.decideForSubject},
	}
}

func (s *Server) createTenant(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	t, err := s.d.Subjects.CreateTenant(r.Context(), principal(r.Context()), req.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/tenants/"+t.ID)
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) getTenant(w http.ResponseWriter, r *http.Request) error {
	t, err := s.d.Subjects.GetTenant(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) verifyRealName(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		SubjectID string `json:"subject_id"`
	}
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	if req.SubjectID == "" {
		return custos.FieldError(custos.KindInvalid, "subject_id", "required")
	}
	if err := s.d.Subjects.VerifyRealName(r.Context(), principal(r.Context()), r.PathValue("id"), req.SubjectID); err != nil {
		return err
	}
	return s.getTenant(w, r)
}

func (s *Server) createSubject(w http.ResponseWriter, r *http.Request) error {
	var req subject.NewSubject
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	id, err := s.d.Subjects.CreateSubject(r.Context(), principal(r.Context()), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/subjects/"+id)
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	return nil
}

// findSubjects looks a subject up by exactly one identifier, through its keyed token.
func (s *Server) findSubjects(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var kind, value string
	for _, k := range []string{"email", "mobile", "id_number"} {
		if v := q.Get(k); v != "" {
			if kind != "" {
				return custos.FieldError(custos.KindInvalid, k, "give exactly one of email, mobile, id_number")
			}
			kind, value = k, v
		}
	}
	if kind == "" {
		return custos.FieldError(custos.KindInvalid, "email", "give exactly one of email, mobile, id_number")
	}
	ids, err := s.d.Subjects.Find(r.Context(), principal(r.Context()), kind, value)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"subjects": ids})
	return nil
}

func (s *Server) getSubject(w http.ResponseWriter, r *http.Request) error {
	v, err := s.d.Subjects.GetSubject(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) eraseSubject(w http.ResponseWriter, r *http.Request) error {
	if err := s.d.Subjects.Erase(r.Context(), principal(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) putRecord(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSONBody(w, r, min(s.d.MaxBody, 1<<20))
	if err != nil {
		return err
	}
	created, err := s.d.Subjects.PutRecord(r.Context(), principal(r.Context()), r.PathValue("id"), r.PathValue("category"), body, r.URL.Query().Get("reason"))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"subject_id": r.PathValue("id"), "category": r.PathValue("category"), "created": created})
	return nil
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request) error {
	p := principal(r.Context())
	v, err := s.d.Subjects.GetRecord(r.Context(), p, p.Location, r.PathValue("id"), r.PathValue("category"), r.URL.Query().Get("purpose"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) grantConsent(w http.ResponseWriter, r *http.Request) error {
	var req subject.ConsentGrant
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	e, err := s.d.Subjects.GrantConsent(r.Context(), principal(r.Context()), r.PathValue("id"), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) listConsents(w http.ResponseWriter, r *http.Request) error {
	c, err := s.d.Subjects.ListConsents(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	e, err := s.d.Subjects.WithdrawConsent(r.Context(), principal(r.Context()), r.PathValue("id"), r.PathValue("consent_id"), r.URL.Query().Get("channel"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// decideForSubject answers the decision question with the facts custos holds about a
// stored subject (state, age, real-name verification, consents in force).
func (s *Server) decideForSubject(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Category string `json:"category"`
		Purpose  string `json:"purpose"`
	}
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	p := principal(r.Context())
	d, err := s.d.Subjects.Decide(r.Context(), p, p.Location, r.PathValue("id"), req.Category, req.Purpose)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"decision": d})
	return nil
}
