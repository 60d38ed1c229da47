package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/dsr"
)

var (
	requestStaff   = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleCustomerAdmin}
	requestFilers  = requestStaff
	requestReaders = requestStaff
)

// Routes of subject requests. Those a subject calls (filing, verifying, following its
// request, downloading its package) need no custos token: a subject has none. The
// subject proves itself with the code sent to its address on record, then with the
// request key that verification returns, and downloads through one-time links; staff
// and customers' administrators use their tokens on the same routes.
func (s *Server) requestRoutes() []Route {
	return []Route{
		{"POST", "/v1/requests", nil, s.submitRequest},
		{"GET", "/v1/requests", requestReaders, s.listRequests},
		{"GET", "/v1/requests/{id}", nil, s.getRequest},
		{"GET", "/v1/requests/{id}/history", nil, s.requestHistory},
		{"POST", "/v1/requests/{id}/verify", nil, s.verifyRequest},
		{"POST", "/v1/requests/{id}/code", nil, s.resendCode},
		{"POST", "/v1/requests/{id}/withdraw", nil, s.withdrawRequest},
		{"POST", "/v1/requests/{id}/decline", privacyStaff, s.declineRequest},
		{"POST", "/v1/requests/{id}/answer", privacyStaff, s.answerRequest},
		{"POST", "/v1/requests/{id}/instruction", requestStaff, s.instructRequest},
		{"GET", "/v1/exports/{key}", nil, s.download},
		{"POST", "/v1/disclosures", privacyStaff, s.recordDisclosure},
		{"PUT", "/v1/recipients/{name}/endpoint", admins, s.putEndpoint},
		{"GET", "/v1/recipients/{name}/endpoint", privacyStaff, s.getEndpoint},
	}
}

// requestCaller is who calls a subject-facing route: the subject with its request key
// (Bearer dsr_…), or a token whose role is one of roles. Without either: 401.
func (s *Server) requestCaller(r *http.Request, roles []auth.Role) (dsr.Caller, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return dsr.Caller{}, custos.Errorf(custos.KindUnauthenticated, "missing Authorization: Bearer header (a token, or the request key given at verification)")
	}
	if scheme, secret, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") && strings.HasPrefix(strings.TrimSpace(secret), "dsr_") {
		return dsr.Caller{Key: strings.TrimSpace(secret)}, nil
	}
	p, err := s.authenticate(r)
	if err != nil {
		return dsr.Caller{}, err
	}
	if !slices.Contains(roles, p.Role) {
		return dsr.Caller{}, custos.Errorf(custos.KindForbidden, "role %s may not call %s", p.Role, r.Pattern)
	}
	return dsr.Caller{Principal: &p}, nil
}

func (s *Server) submitRequest(w http.ResponseWriter, r *http.Request) error {
	var by *auth.Principal
	if r.Header.Get("Authorization") != "" {
		c, err := s.requestCaller(r, requestFilers)
		if err != nil {
			return err
		}
		if c.Principal == nil {
			return custos.Errorf(custos.KindForbidden, "a request key does not file new requests")
		}
		by = c.Principal
	}
	var in dsr.NewRequest
	if err := decodeJSON(w, r, s.d.MaxBody, &in); err != nil {
		return err
	}
	req, err := s.d.Requests.Submit(r.Context(), by, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/requests/"+req.ID)
	if by == nil {
		// The same answer whether or not the address is on record.
		writeJSON(w, http.StatusAccepted, map[string]any{"id": req.ID, "state": req.State,
			"message": "若该地址在我们的记录中,验证码已发送至该地址。If the address is on record, a verification code was sent to it."})
		return nil
	}
	v, err := s.d.Requests.Get(r.Context(), dsr.Caller{Principal: by}, req.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	states, err := dsr.ParseStates(q.Get("state"))
	if err != nil {
		return err
	}
	due, err := dsr.ParseTime("due_before", q.Get("due_before"))
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", false, 100)
	if err != nil {
		return err
	}
	vs, err := s.d.Requests.List(r.Context(), principal(r.Context()), dsr.Filter{States: states, DueBefore: due,
		SubjectID: q.Get("subject_id"), Limit: int(limit)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": vs})
	return nil
}

func (s *Server) getRequest(w http.ResponseWriter, r *http.Request) error {
	c, err := s.requestCaller(r, requestReaders)
	if err != nil {
		return err
	}
	v, err := s.d.Requests.Get(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) requestHistory(w http.ResponseWriter, r *http.Request) error {
	c, err := s.requestCaller(r, requestReaders)
	if err != nil {
		return err
	}
	h, err := s.d.Requests.History(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"history": h})
	return nil
}

func (s *Server) verifyRequest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(w, r, 4<<10, &in); err != nil {
		return err
	}
	if in.Code == "" {
		return custos.FieldError(custos.KindInvalid, "code", "required")
	}
	req, key, err := s.d.Requests.Verify(r.Context(), r.PathValue("id"), in.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": req.ID, "state": req.State, "due_at": req.DueAt, "request_key": key})
	return nil
}

func (s *Server) resendCode(w http.ResponseWriter, r *http.Request) error {
	if err := s.d.Requests.Resend(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": r.PathValue("id"), "state": dsr.StateVerifying})
	return nil
}

func (s *Server) withdrawRequest(w http.ResponseWriter, r *http.Request) error {
	c, err := s.requestCaller(r, requestReaders)
	if err != nil {
		return err
	}
	v, err := s.d.Requests.Withdraw(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) declineRequest(w http.ResponseWriter, r *http.Request) error {
	var in dsr.DeclineInput
	if err := decodeJSON(w, r, s.d.MaxBody, &in); err != nil {
		return err
	}
	v, err := s.d.Requests.Decline(r.Context(), principal(r.Context()), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) answerRequest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Text string `json:"text"`
	}
	if err := decodeJSON(w, r, s.d.MaxBody, &in); err != nil {
		return err
	}
	v, err := s.d.Requests.Answer(r.Context(), principal(r.Context()), r.PathValue("id"), in.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) instructRequest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reference string `json:"reference"`
	}
	if err := decodeJSON(w, r, s.d.MaxBody, &in); err != nil {
		return err
	}
	v, err := s.d.Requests.Instruct(r.Context(), principal(r.Context()), r.PathValue("id"), in.Reference)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) error {
	ctype, body, err := s.d.Requests.Download(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	name := "custos-export.json"
	if strings.HasPrefix(ctype, "text/html") {
		name = "custos-export.html"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

func (s *Server) recordDisclosure(w http.ResponseWriter, r *http.Request) error {
	var in dsr.NewDisclosure
	if err := decodeJSON(w, r, s.d.MaxBody, &in); err != nil {
		return err
	}
	d, err := s.d.Requests.RecordDisclosure(r.Context(), principal(r.Context()), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) putEndpoint(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		URL    string `json:"url"`
		Secret string `json:"secret,omitempty"`
	}
	if err := decodeJSON(w, r, s.d.MaxBody, &in); err != nil {
		return err
	}
	e, generated, err := s.d.Requests.PutEndpoint(r.Context(), principal(r.Context()), r.PathValue("name"), in.URL, in.Secret)
	if err != nil {
		return err
	}
	out := map[string]any{"recipient": e.Recipient, "url": e.URL, "updated_at": e.UpdatedAt}
	if generated != "" {
		out["secret"] = generated // shown once
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getEndpoint(w http.ResponseWriter, r *http.Request) error {
	e, err := s.d.Requests.Store.Endpoint(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}
