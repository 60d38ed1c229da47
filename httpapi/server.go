// Package httpapi is custos's HTTP/JSON API under /v1, with /healthz, /openapi.yaml and
// /metrics beside it. Every /v1 route names the roles that may call it in one table;
// errors are RFC 9457 problem documents with a stable type per kind.
//
// It translates between HTTP and the domain services and decides nothing itself: what is
// allowed comes from the decision engine. It must never log a request body, a query
// string or a token, since any of them may carry personal information or a secret.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"custos.dev/custos"
	"custos.dev/custos/access"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/dsr"
	"custos.dev/custos/policy"
	"custos.dev/custos/retention"
	"custos.dev/custos/subject"
)

// Server serves the API. Build it with New; every field of Deps is required unless said.
type Server struct {
	d       Deps
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []Route
	metrics *metrics
}

// Deps are the services the API exposes.
type Deps struct {
	Auth   *auth.Service
	Audit  auditlog.Store
	Signer *auditlog.Signer
	Policy *policy.Engine
	// Subjects is the vault and consent ledger; nil leaves their routes out.
	Subjects *subject.Service
	// Access is supervised access to customer data; nil leaves its routes out.
	Access *access.Service
	// Retention is the lifecycle and retention schedule; nil leaves their routes out.
	Retention *retention.Service
	// Requests runs subject requests; nil leaves their routes out.
	Requests *dsr.Service
	// PolicyDocument is the statement-as-code text in force, served at /v1/policy.
	PolicyDocument []byte
	// Ping checks the database for /healthz.
	Ping     func(ctx context.Context) error
	Logger   *slog.Logger
	Registry *prometheus.Registry
	// MaxBody bounds request bodies (default DefaultMaxBody).
	MaxBody int64
}

// Route is one endpoint: who may call it and what handles it.
type Route struct {
	Method, Path string
	// Roles that may call it; nil means no token is needed (health, docs, metrics).
	Roles   []auth.Role
	Handler func(w http.ResponseWriter, r *http.Request) error
}

var (
	auditReaders = []auth.Role{auth.RoleAuditor, auth.RolePrivacyOfficer, auth.RoleOperatorAdmin}
	admins       = []auth.Role{auth.RoleOperatorAdmin}
	askers       = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleSupportEngineer, auth.RoleCustomerAdmin}
	everyone     = auth.Roles
)

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.MaxBody <= 0 {
		d.MaxBody = DefaultMaxBody
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	s := &Server{d: d, log: d.Logger, mux: http.NewServeMux(), metrics: newMetrics(d.Registry)}
	s.routes = []Route{
		{"GET", "/healthz", nil, s.health},
		{"GET", "/openapi.yaml", nil, s.openAPI},
		{"GET", "/v1/policy", everyone, s.getPolicy},
		{"POST", "/v1/decisions", askers, s.decide},
		{"POST", "/v1/scan", scanners, s.scanText},
		{"GET", "/v1/tokens", admins, s.listTokens},
		{"POST", "/v1/tokens", admins, s.createToken},
		{"DELETE", "/v1/tokens/{id}", admins, s.revokeToken},
		{"GET", "/v1/audit/key", auditReaders, s.auditKey},
		{"GET", "/v1/audit/checkpoint", auditReaders, s.auditCheckpoint},
		{"GET", "/v1/audit/entries", auditReaders, s.auditEntries},
		{"GET", "/v1/audit/proofs/inclusion", auditReaders, s.auditInclusion},
		{"GET", "/v1/audit/proofs/consistency", auditReaders, s.auditConsistency},
	}
	if d.Subjects != nil {
		s.routes = append(s.routes, s.subjectRoutes()...)
	}
	if d.Access != nil {
		s.routes = append(s.routes, s.accessRoutes()...)
	}
	if d.Retention != nil {
		s.routes = append(s.routes, s.retentionRoutes()...)
	}
	if d.Requests != nil {
		s.routes = append(s.routes, s.requestRoutes()...)
	}
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{Registry: d.Registry}))
	// Anything else gets a problem document, not the mux's plain text.
	s.mux.HandleFunc("/", s.noRoute)
	return s
}

// Routes lists the endpoints (for the OpenAPI test and the docs).
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// noRoute answers what no route matched: 405 with Allow when the path exists under
// another method, else 404; both as problem documents.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, rt := range s.routes {
		probe := r.Clone(r.Context())
		probe.Method = rt.Method
		if _, p := s.mux.Handler(probe); p == rt.Method+" "+rt.Path {
			allow = append(allow, rt.Method)
		}
	}
	if len(allow) == 0 {
		s.writeError(w, r, custos.Errorf(custos.KindNotFound, "no such endpoint"))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusMethodNotAllowed)
	_ = json.NewEncoder(w).Encode(Problem{Type: ProblemBase + "method-not-allowed", Title: "Method not allowed",
		Status: http.StatusMethodNotAllowed, Detail: "allowed: " + strings.Join(allow, ", "), Instance: r.URL.Path})
}

type ctxKey int

const (
	keyPrincipal ctxKey = iota
	keyRequestID
)

func principal(ctx context.Context) auth.Principal {
	p, _ := ctx.Value(keyPrincipal).(auth.Principal)
	return p
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// wrap adds, in order: a request id, recovery, authentication and the role check, the
// access log and metrics.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var idb [8]byte
		_, _ = rand.Read(idb[:])
		rid := hex.EncodeToString(idb[:])
		ctx := context.WithValue(r.Context(), keyRequestID, rid)
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-Id", rid)
		r = r.WithContext(ctx)
		var p auth.Principal
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(ctx, "panic in handler", "request_id", rid, "route", rt.Path, "panic", v)
				if sw.status == 0 {
					s.writeError(sw, r, custos.Internal(nil))
				}
			}
			s.metrics.observe(rt.Method+" "+rt.Path, sw.status, time.Since(start))
			// The access log names the route pattern, never the raw path or query.
			s.log.InfoContext(ctx, "request", "request_id", rid, "method", r.Method, "route", rt.Path,
				"status", sw.status, "duration_ms", time.Since(start).Milliseconds(), "token", p.TokenID)
		}()
		if rt.Roles != nil {
			var err error
			p, err = s.authenticate(r)
			if err != nil {
				s.writeError(sw, r, err)
				return
			}
			if !slices.Contains(rt.Roles, p.Role) {
				s.writeError(sw, r, custos.Errorf(custos.KindForbidden, "role %s may not call %s %s", p.Role, rt.Method, rt.Path))
				return
			}
			r = r.WithContext(context.WithValue(ctx, keyPrincipal, p))
		}
		if err := rt.Handler(sw, r); err != nil {
			s.writeError(sw, r, err)
		}
	})
}

func (s *Server) authenticate(r *http.Request) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return auth.Principal{}, custos.Errorf(custos.KindUnauthenticated, "missing Authorization: Bearer header")
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return auth.Principal{}, custos.Errorf(custos.KindUnauthenticated, "want Authorization: Bearer <token>")
	}
	return s.d.Auth.Authenticate(r.Context(), strings.TrimSpace(secret))
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.d.Ping(ctx); err != nil {
		return &custos.Error{Kind: custos.KindUnavailable, Message: "database does not answer", Cause: err}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) getPolicy(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	_, err := w.Write(s.d.PolicyDocument)
	return err
}
