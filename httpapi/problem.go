package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"custos.dev/custos"
	"custos.dev/custos/subject"
)

// ProblemBase prefixes every problem type; each kind of error has one stable type.
const ProblemBase = "https://custos.dev/problems/"

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Field names the input the problem is about (a JSON path, a query parameter).
	Field string `json:"field,omitempty"`
	// Decision is the decision engine's answer, when it refused the purpose.
	Decision json.RawMessage `json:"decision,omitempty"`
}

// kinds maps each error kind to its status, type and title: the one table that does so.
var kinds = map[custos.Kind]struct {
	status int
	slug   string
	title  string
}{
	custos.KindInvalid:         {http.StatusBadRequest, "invalid-request", "The request is malformed"},
	custos.KindUnprocessable:   {http.StatusUnprocessableEntity, "unprocessable", "The request breaks a rule"},
	custos.KindNotFound:        {http.StatusNotFound, "not-found", "Not found"},
	custos.KindConflict:        {http.StatusConflict, "conflict", "Conflict with the current state"},
	custos.KindForbidden:       {http.StatusForbidden, "forbidden", "Your role may not do this"},
	custos.KindDenied:          {http.StatusForbidden, "purpose-denied", "The decision engine refused this purpose"},
	custos.KindUnauthenticated: {http.StatusUnauthorized, "unauthenticated", "A valid bearer token is required"},
	custos.KindTooLarge:        {http.StatusRequestEntityTooLarge, "too-large", "The request is too large"},
	custos.KindRateLimited:     {http.StatusTooManyRequests, "rate-limited", "Too many requests; try again later"},
	custos.KindUnavailable:     {http.StatusServiceUnavailable, "unavailable", "Temporarily unavailable"},
	custos.KindInternal:        {http.StatusInternalServerError, "internal", "Internal error"},
}

// writeError writes err as a problem document. Internal causes are logged, never shown;
// public messages hold no PI by construction (custos.Error's contract).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := custos.KindOf(err)
	k, ok := kinds[kind]
	if !ok {
		k = kinds[custos.KindInternal]
	}
	if kind == custos.KindInternal || !ok {
		s.log.ErrorContext(r.Context(), "internal error", "request_id", requestID(r.Context()), "route", r.Pattern, "err", err)
	}
	p := Problem{
		Type:     ProblemBase + k.slug,
		Title:    k.title,
		Status:   k.status,
		Detail:   custos.PublicMessage(err),
		Instance: r.URL.Path,
		Field:    custos.FieldOf(err),
	}
	var denied *subject.DeniedError
	if errors.As(err, &denied) {
		p.Decision = denied.Decision.AppendJSON(nil)
	}
	if k.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="custos"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(k.status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}
