package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/goccy/go-yaml"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"custos.dev/custos/access"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
	"custos.dev/custos/dsr"
	"custos.dev/custos/httpapi"
	"custos.dev/custos/policy"
	"custos.dev/custos/retention"
	"custos.dev/custos/store/postgres"
	"custos.dev/custos/store/postgres/pgtest"
	"custos.dev/custos/store/sqldb"
	"custos.dev/custos/store/sqlite"
	"custos.dev/custos/store/storetest"
	"custos.dev/custos/subject"
	"custos.dev/custos/vault"
)

// envStore is every store the API needs, on either engine.
type envStore interface {
	auth.Store
	auditlog.Store
	subject.Store
	consent.Store
	access.Store
	dsr.Store
}

type env struct {
	t      testing.TB
	srv    *httptest.Server
	api    *httpapi.Server
	store  envStore
	keys   subject.KeyStore
	signer *auditlog.Signer
	tokens map[auth.Role]string
	// files are the data store's files (SQLite) or its schema (PostgreSQL).
	dir    string
	schema string
	dsn    string
	// kekJSON and tokenKey are the vault's keys, for a second instance.
	kekJSON  []byte
	tokenKey []byte
	logs     *syncBuffer
	region   string
	// access is supervised access; subjects the vault it answers for.
	access   *access.Service
	subjects *subject.Service
	db       *sqldb.DB
	// retention is the lifecycle service behind the API, for tests that sweep by hand.
	retention *retention.Service
}

// syncBuffer is a log sink tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newEnv runs the API on a real SQLite store in a temp folder, with one token per role
// (the customer admin bound to tenant t1).
func newEnv(t *testing.T) *env { return newEnvWith(t, envOptions{}) }

func newBenchEnv(t testing.TB) *env {
	return newEnvWith(t, envOptions{maxBody: httpapi.DefaultMaxBody})
}

type envOptions struct {
	maxBody  int64
	postgres bool
	region   string
	// policy replaces the default policy (for small thresholds and caps).
	policy *policy.Engine
	// share makes a second instance of that env: the same database (schema or data
	// folder), audit key and vault keys.
	share *env
}

// newEnvWith runs the whole API on a real store: SQLite in a temp folder, or PostgreSQL in
// a schema of its own.
func newEnvWith(t testing.TB, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	if o.maxBody == 0 {
		o.maxBody = 1 << 20
	}
	if o.region == "" {
		o.region = "cn-north"
	}
	var signer *auditlog.Signer
	var dsn, dir string
	if o.share != nil {
		signer, dsn, dir = o.share.signer, o.share.dsn, o.share.dir
	} else {
		signer = storetest.NewSigner(t)
	}
	e := &env{t: t, signer: signer, tokens: map[auth.Role]string{}, logs: &syncBuffer{}, region: o.region}
	var ping func(context.Context) error
	if o.postgres {
		if dsn == "" {
			dsn = pgtest.Schema(t)
		}
		e.dsn = dsn
		s, err := postgres.Open(ctx, dsn, signer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		e.store, e.keys, ping, e.db = s, s.Keys, s.Ping, s.DB
		_ = s.W.QueryRowContext(ctx, "SELECT current_schema()").Scan(&e.schema)
	} else {
		e.dir = dir
		if e.dir == "" {
			e.dir = t.TempDir()
		}
		s, err := sqlite.Open(ctx, e.dir, signer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		e.store, e.keys, ping, e.db = s, s.Keys, s.Ping, s.DB
	}
	kekJSON, err := vault.GenerateKEK()
	if err != nil {
		t.Fatal(err)
	}
	tk, _ := vault.GenerateTokenKey()
	if o.share != nil {
		kekJSON, tk = o.share.kekJSON, o.share.tokenKey
	}
	e.kekJSON, e.tokenKey = kekJSON, tk
	kek, err := vault.NewKEK(kekJSON)
	if err != nil {
		t.Fatal(err)
	}
	tokenizer, err := vault.NewTokenizer(tk)
	if err != nil {
		t.Fatal(err)
	}
	subjects := &subject.Service{Store: e.store, Keys: e.keys, Consents: e.store, KEK: kek, Tokens: tokenizer,
		Cache: vault.NewKeyCache(100), Policy: policy.Default(), Region: o.region}
	// Queued mail is sealed with a data key of its own, as app.Open arranges.
	_, mailKey, err := kek.NewDataKey("system:mail-outbox")
	if err != nil {
		t.Fatal(err)
	}
	e.db.Mail = mailKey
	eng := policy.Default()
	if o.policy != nil {
		eng = o.policy
		subjects.Policy = eng
	}
	e.access = access.New(e.store, eng, subjects, slog.New(slog.NewJSONHandler(e.logs, nil)))
	subjects.Grants = e.access
	e.subjects = subjects
	svc := auth.NewService(e.store)
	ret := &retention.Service{Store: e.store.(retention.Store), Vault: subjects, Keys: e.keys.(retention.KeyDestroyer), Policy: eng}
	e.retention = ret
	subjects.Held = ret.Held
	requests := &dsr.Service{Store: e.store, Subjects: subjects, Policy: eng, CodeKey: []byte("test code key"), Canceller: ret}
	api := httpapi.New(httpapi.Deps{Auth: svc, Audit: e.store, Signer: signer, Policy: eng, Subjects: subjects, Access: e.access, Retention: ret, Requests: requests,
		PolicyDocument: policy.DefaultDocument(), Ping: ping, MaxBody: o.maxBody,
		Logger: slog.New(slog.NewJSONHandler(e.logs, nil))})
	e.api = api
	e.srv = httptest.NewServer(api)
	t.Cleanup(e.srv.Close)
	for _, r := range auth.Roles {
		tenant := ""
		if r == auth.RoleCustomerAdmin {
			tenant = "t1"
		}
		secret, _, err := svc.Create(ctx, auth.System, r, tenant, "test", "")
		if r == auth.RoleSupportEngineer {
			abroad, _, err := svc.Create(ctx, auth.System, r, "", "abroad", "abroad")
			if err != nil {
				t.Fatal(err)
			}
			e.tokens["support-abroad"] = abroad
		}
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = secret
	}
	return e
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(role auth.Role, method, path, body string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func (r resp) problem(t *testing.T) httpapi.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json (body %s)", ct, r.body)
	}
	var p httpapi.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != r.status || !strings.HasPrefix(p.Type, httpapi.ProblemBase) || p.Title == "" {
		t.Fatalf("bad problem document %+v for status %d", p, r.status)
	}
	return p
}

func (e *env) auditSize() int64 {
	cp, err := e.store.Latest(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return cp.Size
}

func TestEveryRouteIsInOpenAPI(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	e := newEnv(t)
	seen := map[string]bool{}
	for _, rt := range e.api.Routes() {
		m := strings.ToLower(rt.Method)
		if _, ok := doc.Paths[rt.Path][m]; !ok {
			t.Errorf("route %s %s is not in openapi.yaml", rt.Method, rt.Path)
		}
		seen[m+" "+rt.Path] = true
	}
	seen["get /metrics"] = true
	for path, ops := range doc.Paths {
		for m := range ops {
			if !seen[m+" "+path] {
				t.Errorf("openapi.yaml has %s %s, which no route serves", strings.ToUpper(m), path)
			}
		}
	}
	if r := e.do("", "GET", "/openapi.yaml", ""); r.status != 200 || !bytes.Equal(r.body, httpapi.OpenAPI) {
		t.Fatalf("GET /openapi.yaml = %d", r.status)
	}
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, auth string
	}{
		{"NoHeader", ""},
		{"NotBearer", "Basic dXNlcjpwYXNz"},
		{"UnknownToken", "Bearer cst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{"Malformed", "Bearer something"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.srv.URL+"/v1/tokens", nil)
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			r := resp{res.StatusCode, res.Header, b}
			if r.status != 401 {
				t.Fatalf("status %d, want 401", r.status)
			}
			if p := r.problem(t); p.Type != httpapi.ProblemBase+"unauthenticated" {
				t.Fatalf("type %s", p.Type)
			}
		})
	}
	t.Run("WrongRoleIsForbidden", func(t *testing.T) {
		for _, role := range []auth.Role{auth.RoleAuditor, auth.RoleSupportEngineer, auth.RoleCustomerAdmin, auth.RolePrivacyOfficer} {
			r := e.do(role, "GET", "/v1/tokens", "")
			if r.status != 403 || r.problem(t).Type != httpapi.ProblemBase+"forbidden" {
				t.Fatalf("%s: status %d", role, r.status)
			}
		}
		if r := e.do(auth.RoleSupportEngineer, "GET", "/v1/audit/checkpoint", ""); r.status != 403 {
			t.Fatalf("support engineer read the audit log: %d", r.status)
		}
	})
	t.Run("RevokedTokenIsRefused", func(t *testing.T) {
		r := e.do(auth.RoleOperatorAdmin, "POST", "/v1/tokens", `{"role":"auditor"}`)
		var created struct{ ID, Token string }
		if err := json.Unmarshal(r.body, &created); err != nil || r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		e.tokens["tmp"] = created.Token
		if r := e.do("tmp", "GET", "/v1/audit/key", ""); r.status != 200 {
			t.Fatalf("new token: %d", r.status)
		}
		if r := e.do(auth.RoleOperatorAdmin, "DELETE", "/v1/tokens/"+created.ID, ""); r.status != 204 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if r := e.do("tmp", "GET", "/v1/audit/key", ""); r.status != 401 {
			t.Fatalf("revoked token: %d", r.status)
		}
	})
	t.Run("UnknownPathAndMethod", func(t *testing.T) {
		if r := e.do("", "GET", "/v1/nothing", ""); r.status != 404 {
			t.Fatalf("unknown path: %d", r.status)
		}
		r := e.do(auth.RoleOperatorAdmin, "PUT", "/v1/tokens", "")
		if r.status != 405 || r.header.Get("Allow") != "GET, POST" {
			t.Fatalf("PUT /v1/tokens: %d Allow=%q", r.status, r.header.Get("Allow"))
		}
		r.problem(t)
	})
}

// Bad input gets a 4xx problem naming the field and changes nothing.
func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	before := e.auditSize()
	tokens, _ := e.store.ListTokens(context.Background())
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"MalformedJSON", `{"role":`, 400, ""},
		{"NotJSON", `role=auditor`, 400, ""},
		{"UnknownField", `{"role":"auditor","admin":true}`, 400, "admin"},
		{"WrongType", `{"role":7}`, 400, "role"},
		{"TrailingData", `{"role":"auditor"} {}`, 400, ""},
		{"Empty", ``, 400, ""},
		{"UnknownRole", `{"role":"root"}`, 400, "role"},
		{"CustomerAdminWithoutTenant", `{"role":"customer-admin"}`, 400, "tenant"},
		{"Oversized", `{"role":"auditor","label":"` + strings.Repeat("x", 2<<20) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(auth.RoleOperatorAdmin, "POST", "/v1/tokens", c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			if p := r.problem(t); p.Field != c.field {
				t.Fatalf("field %q, want %q (%s)", p.Field, c.field, p.Detail)
			}
		})
	}
	after, _ := e.store.ListTokens(context.Background())
	if len(after) != len(tokens) || e.auditSize() != before {
		t.Fatalf("bad input changed state: tokens %d→%d, audit %d→%d", len(tokens), len(after), before, e.auditSize())
	}
	if r := e.do("", "GET", "/healthz", ""); r.status != 200 {
		t.Fatalf("server stopped serving: %d", r.status)
	}
}

const q = `{"actor":{"role":"privacy-officer","location":"cn"},"subject":{"tenant":"t1","state":"%s","real_name_verified":true},"category":"%s","purpose":"%s"}`

func TestDecisions(t *testing.T) {
	e := newEnv(t)
	t.Run("Single", func(t *testing.T) { // R-PUR-1
		r := e.do(auth.RolePrivacyOfficer, "POST", "/v1/decisions", `{"question":`+fmt.Sprintf(q, "active", "administrator_data", "complete_transaction")+`}`)
		var out struct{ Decision map[string]any }
		if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if out.Decision["allow"] != true || out.Decision["rid"] != "R-PUR-1" {
			t.Fatalf("decision %v", out.Decision)
		}
	})
	t.Run("BatchInOrder", func(t *testing.T) { // R-RET-2
		body := `{"questions":[` + fmt.Sprintf(q, "active", "administrator_data", "manage_account") + "," +
			fmt.Sprintf(q, "cancelled", "administrator_data", "manage_account") + `]}`
		r := e.do(auth.RolePrivacyOfficer, "POST", "/v1/decisions", body)
		var out struct{ Decisions []map[string]any }
		if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 || len(out.Decisions) != 2 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if out.Decisions[0]["allow"] != true || out.Decisions[1]["allow"] != false || out.Decisions[1]["rid"] != "R-RET-2" {
			t.Fatalf("decisions %v", out.Decisions)
		}
	})
	t.Run("SensitiveDenialIsAudited", func(t *testing.T) {
		before := e.auditSize()
		r := e.do(auth.RolePrivacyOfficer, "POST", "/v1/decisions", `{"question":`+fmt.Sprintf(q, "cancelled", "payment_data", "complete_transaction")+`}`)
		if r.status != 200 || !strings.Contains(string(r.body), `"allow":false`) {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if e.auditSize() != before+1 {
			t.Fatalf("audit size %d → %d, want one event", before, e.auditSize())
		}
		leaves, _ := e.store.ReadLeaves(context.Background(), before, 1)
		ev, _ := auditlog.DecodeLeaf(leaves[0].Data)
		if ev.Action != "decision.deny" || ev.Details["category"] != "payment_data" {
			t.Fatalf("event %+v", ev)
		}
	})
	t.Run("BadQuestionNamesItsField", func(t *testing.T) {
		body := `{"questions":[` + fmt.Sprintf(q, "active", "administrator_data", "manage_account") + "," +
			fmt.Sprintf(q, "active", "shoe_size", "manage_account") + `]}`
		r := e.do(auth.RolePrivacyOfficer, "POST", "/v1/decisions", body)
		if p := r.problem(t); r.status != 400 || p.Field != "questions[1].category" {
			t.Fatalf("%d field %q", r.status, p.Field)
		}
	})
	t.Run("BatchTooLarge", func(t *testing.T) {
		one := fmt.Sprintf(q, "active", "administrator_data", "manage_account")
		body := `{"questions":[` + strings.Repeat(one+",", httpapi.MaxBatch) + one + `]}`
		e2 := *e
		r := e2.do(auth.RolePrivacyOfficer, "POST", "/v1/decisions", body)
		if r.status != 400 && r.status != 413 {
			t.Fatalf("10,001 questions: %d", r.status)
		}
	})
	t.Run("SupportEngineerAsksOnlyAsItself", func(t *testing.T) { // R-RES-2
		r := e.do(auth.RoleSupportEngineer, "POST", "/v1/decisions", `{"question":`+fmt.Sprintf(q, "active", "customer_data", "troubleshooting")+`}`)
		if p := r.problem(t); r.status != 403 || p.Field != "question.actor" {
			t.Fatalf("%d %+v", r.status, p)
		}
		own := `{"question":{"actor":{"location":"abroad"},"subject":{"tenant":"t1","state":"active","real_name_verified":true},"category":"customer_data","purpose":"troubleshooting"}}`
		r = e.do(auth.RoleSupportEngineer, "POST", "/v1/decisions", own)
		if r.status != 200 || !strings.Contains(string(r.body), `"allow":false`) || !strings.Contains(string(r.body), `"R-RES-2"`) {
			t.Fatalf("abroad without a grant: %d %s", r.status, r.body)
		}
	})
}

// An auditor verifies the log with tlog and note alone, from what the API serves.
func TestAuditVerifiableWithStandardTools(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		e.do(auth.RoleOperatorAdmin, "POST", "/v1/tokens", fmt.Sprintf(`{"role":"auditor","label":"n%d"}`, i))
	}
	old := e.do(auth.RoleAuditor, "GET", "/v1/audit/checkpoint", "").body
	for i := range 4 {
		e.do(auth.RoleOperatorAdmin, "POST", "/v1/tokens", fmt.Sprintf(`{"role":"auditor","label":"m%d"}`, i))
	}
	key := strings.TrimSpace(string(e.do(auth.RoleAuditor, "GET", "/v1/audit/key", "").body))
	v, err := note.NewVerifier(key)
	if err != nil {
		t.Fatal(err)
	}
	parse := func(msg []byte) (int64, tlog.Hash) {
		n, err := note.Open(msg, note.VerifierList(v))
		if err != nil {
			t.Fatalf("checkpoint does not verify: %v", err)
		}
		lines := strings.Split(n.Text, "\n")
		var size int64
		fmt.Sscan(lines[1], &size)
		raw, _ := base64.StdEncoding.DecodeString(lines[2])
		return size, tlog.Hash(raw)
	}
	oldSize, oldRoot := parse(old)
	size, root := parse(e.do(auth.RoleAuditor, "GET", "/v1/audit/checkpoint", "").body)
	if size != oldSize+4 {
		t.Fatalf("sizes %d then %d", oldSize, size)
	}
	var entries struct {
		Entries []struct {
			Index int64
			Leaf  []byte
			Event map[string]any
		}
	}
	r := e.do(auth.RoleAuditor, "GET", fmt.Sprintf("/v1/audit/entries?start=0&end=%d", size+10), "")
	if err := json.Unmarshal(r.body, &entries); err != nil || int64(len(entries.Entries)) != size {
		t.Fatalf("entries: %d %s", r.status, r.body)
	}
	for _, en := range entries.Entries {
		var p struct {
			Proof []tlog.Hash
		}
		r := e.do(auth.RoleAuditor, "GET", fmt.Sprintf("/v1/audit/proofs/inclusion?index=%d&size=%d", en.Index, size), "")
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p.Proof, size, root, en.Index, tlog.RecordHash(en.Leaf)); err != nil {
			t.Fatalf("inclusion of %d: %v", en.Index, err)
		}
	}
	var cp struct{ Proof []tlog.Hash }
	r = e.do(auth.RoleAuditor, "GET", fmt.Sprintf("/v1/audit/proofs/consistency?from=%d&to=%d", oldSize, size), "")
	if err := json.Unmarshal(r.body, &cp); err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(cp.Proof, size, root, oldSize, oldRoot); err != nil {
		t.Fatalf("consistency: %v", err)
	}
	for _, bad := range []string{"/v1/audit/proofs/inclusion?index=5&size=5", "/v1/audit/proofs/inclusion?index=0&size=9999",
		"/v1/audit/proofs/consistency?from=0&to=2", "/v1/audit/entries?start=5&end=1", "/v1/audit/entries?start=x&end=1"} {
		if r := e.do(auth.RoleAuditor, "GET", bad, ""); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		} else {
			r.problem(t)
		}
	}
}

func TestScanEndpoint(t *testing.T) { // R-SUP-4
	e := newEnv(t)
	text := "手机 13800138000 邮箱 a.b@example.com 版本 1.2.3.4"
	r := e.do(auth.RoleSupportEngineer, "POST", "/v1/scan", `{"text":"`+text+`","redact":"tag"}`)
	var out struct {
		Findings []struct {
			Type           string
			Offset, Length int
		}
		Redacted string
	}
	if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if len(out.Findings) < 2 || out.Findings[0].Type != "cn_mobile" || text[out.Findings[0].Offset:out.Findings[0].Offset+out.Findings[0].Length] != "13800138000" {
		t.Fatalf("findings %+v", out.Findings)
	}
	if strings.Contains(string(r.body), "13800138000\"") || !strings.Contains(out.Redacted, "[cn_mobile]") || strings.Contains(out.Redacted, "13800138000") {
		t.Fatalf("redacted %q", out.Redacted)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/scan?redact=mask", strings.NewReader(text))
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+e.tokens[auth.RolePrivacyOfficer])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "138****8000") {
		t.Fatalf("text/plain: %d %s", res.StatusCode, b)
	}
	if r := e.do(auth.RoleAuditor, "POST", "/v1/scan", `{"text":"x"}`); r.status != 403 {
		t.Fatalf("auditor scanning: %d", r.status)
	}
	if r := e.do(auth.RoleSupportEngineer, "POST", "/v1/scan", `{"text":"x","redact":"shred"}`); r.status != 400 || r.problem(t).Field != "redact" {
		t.Fatalf("bad mode: %d", r.status)
	}
}
