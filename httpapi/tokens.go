package httpapi

import (
	"net/http"

	"custos.dev/custos"
	"custos.dev/custos/auth"
)

type createTokenRequest struct {
	Role     string `json:"role"`
	Tenant   string `json:"tenant,omitempty"`
	Label    string `json:"label,omitempty"`
	Location string `json:"location,omitempty"`
}

type createTokenResponse struct {
	auth.Token
	// Secret is shown once; custos keeps only its hash.
	Secret string `json:"token"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req createTokenRequest
	if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	if req.Role == "" {
		return custos.FieldError(custos.KindInvalid, "role", "required")
	}
	secret, t, err := s.d.Auth.Create(r.Context(), principal(r.Context()), auth.Role(req.Role), req.Tenant, req.Label, req.Location)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/tokens/"+t.ID)
	writeJSON(w, http.StatusCreated, createTokenResponse{Token: *t, Secret: secret})
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.d.Auth.Store.ListTokens(r.Context())
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []auth.Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.d.Auth.Revoke(r.Context(), principal(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
