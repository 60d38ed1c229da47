package app_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"custos.dev/custos/app"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/dsr"
	"custos.dev/custos/internal/mailpittest"
	"custos.dev/custos/store/postgres/pgtest"
)

// dsrEnv is the whole app (real store, real vault, real mail through mailpit) behind a
// real HTTP server, with a token per role.
type dsrEnv struct {
	t      *testing.T
	a      *app.App
	srv    *httptest.Server
	mp     *mailpittest.Server
	tokens map[string]string
	clock  *clock
	data   string
	engine string
}

// clock lets a test move the requests' time forward.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

const officer = "officer.pipo@custos.test"

func newDSREnv(t *testing.T, engine string) *dsrEnv {
	t.Helper()
	return newDSREnvAt(t, engine, t.TempDir(), mailpittest.Start(t))
}

// newDSREnvAt opens the app on an existing data folder (a restart) with a given mailpit.
func newDSREnvAt(t *testing.T, engine, data string, mp *mailpittest.Server) *dsrEnv {
	t.Helper()
	a, cfg := openMailApp(t, engine, data, mp, func(c *app.Config) { c.OfficerEmail = officer })
	ctx := context.Background()
	e := &dsrEnv{t: t, a: a, mp: mp, tokens: map[string]string{}, clock: &clock{}, data: cfg.Data, engine: engine}
	e.srv = httptest.NewServer(a.Handler())
	t.Cleanup(e.srv.Close)
	a.Requests.PublicURL = e.srv.URL
	a.Requests.Now = e.clock.now
	a.Requests.RetryBase = time.Second
	for _, r := range []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleSupportEngineer} {
		secret, _, err := a.Auth.Create(ctx, auth.System, r, "", "test", "")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[string(r)] = secret
	}
	return e
}

func (e *dsrEnv) customerAdmin(tenant string) string {
	secret, _, err := e.a.Auth.Create(context.Background(), auth.System, auth.RoleCustomerAdmin, tenant, "test", "")
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

func (e *dsrEnv) call(method, path, token, body string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (e *dsrEnv) must(method, path, token, body string, want int) map[string]any {
	e.t.Helper()
	st, b := e.call(method, path, token, body)
	if st != want {
		e.t.Fatalf("%s %s: %d, want %d: %s", method, path, st, want, b)
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func (e *dsrEnv) admin() string   { return e.tokens[string(auth.RoleOperatorAdmin)] }
func (e *dsrEnv) officer() string { return e.tokens[string(auth.RolePrivacyOfficer)] }

// subject makes a tenant and a subject with administrator, payment and real-name records.
func (e *dsrEnv) subject(kind, email string) (string, string) {
	e.t.Helper()
	tn := e.must("POST", "/v1/tenants", e.admin(), `{"name":"示例科技"}`, 201)["id"].(string)
	sb := e.must("POST", "/v1/subjects", e.admin(), `{"tenant_id":"`+tn+`","kind":"`+kind+`","email":"`+email+`","mobile":"13912345678"}`, 201)["id"].(string)
	e.must("PUT", "/v1/subjects/"+sb+"/records/administrator_data", e.admin(), `{"name":"张伟测试者","email":"`+email+`","address":"北京市朝阳区测试路一号"}`, 201)
	e.must("PUT", "/v1/subjects/"+sb+"/records/payment_data", e.admin(), `{"card_number":"6222021234567890128","holder_name":"张伟测试者"}`, 201)
	e.must("PUT", "/v1/subjects/"+sb+"/records/real_name_data", e.admin(), `{"id_number":"11010519491231002X","legal_name":"张伟测试者"}`, 201)
	return tn, sb
}

func (e *dsrEnv) deliverMail() {
	e.t.Helper()
	if _, err := e.a.DeliverMail(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *dsrEnv) sweep() {
	e.t.Helper()
	if err := e.a.SweepRequests(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.deliverMail()
}

var codeRE = regexp.MustCompile(`\n {4}(\d{6})\r?\n`)

// code files nothing: it reads the newest code mailed to addr (from mailpit's API).
func (e *dsrEnv) code(addr string, n int) string {
	e.t.Helper()
	e.deliverMail()
	msgs := e.mp.WaitFor(e.t, addr, n)
	m := codeRE.FindStringSubmatch(msgs[n-1].Text)
	if m == nil {
		e.t.Fatalf("no code in mail %q", msgs[n-1].Text)
	}
	return m[1]
}

// file files a request as the subject and verifies it with the mailed code; it returns the
// request id and the request key.
func (e *dsrEnv) file(addr, body string, nMail int) (string, string) {
	e.t.Helper()
	id := e.must("POST", "/v1/requests", "", body, 202)["id"].(string)
	code := e.code(addr, nMail)
	v := e.must("POST", "/v1/requests/"+id+"/verify", "", `{"code":"`+code+`"}`, 200)
	return id, v["request_key"].(string)
}

func (e *dsrEnv) events(action string) []*auditlog.Event {
	e.t.Helper()
	ctx := context.Background()
	cp, err := e.a.Store.Latest(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	leaves, err := e.a.Store.ReadLeaves(ctx, 0, int(cp.Size))
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*auditlog.Event
	for _, l := range leaves {
		ev, _ := auditlog.DecodeLeaf(l.Data)
		if ev != nil && ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

func engines(t *testing.T, fn func(t *testing.T, engine string)) {
	t.Run("SQLite", func(t *testing.T) { fn(t, "sqlite") })
	t.Run("PostgreSQL", func(t *testing.T) {
		pgtest.DSN(t)
		fn(t, "postgres")
	})
}

// R-DSR-5, R-DSR-6, R-DSR-1: a subject files an access request with the address on record,
// proves it with the code mailed there, and downloads a package of everything held — JSON
// valid against the documented schema and a bilingual HTML page — through links that work
// once.
func TestAccessRequest(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "zhang.wei.access@example.cn"
		tn, sb := e.subject("customer_administrator", addr)
		e.must("POST", "/v1/subjects/"+sb+"/consents", e.admin(), `{"purpose":"marketing","category":"administrator_data","channel":"web","statement_version":"3.0"}`, 201)
		e.must("POST", "/v1/disclosures", e.officer(), `{"subject_id":"`+sb+`","recipient":"payment_vendors_cn","categories":["payment_data"],"basis":"contract","purpose":"complete_transaction"}`, 201)
		e.must("POST", "/v1/disclosures", e.officer(), `{"subject_id":"`+sb+`","recipient":"us_licensor","categories":["administrator_data"],"basis":"consent"}`, 201)

		id := e.must("POST", "/v1/requests", "", `{"type":"access","email":"`+addr+`"}`, 202)["id"].(string)
		code := e.code(addr, 1)
		// Following the request needs the key given at verification.
		if st, _ := e.call("GET", "/v1/requests/"+id, "", ""); st != 401 {
			t.Fatalf("GET without a key: %d", st)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		if st, b := e.call("POST", "/v1/requests/"+id+"/verify", "", `{"code":"`+wrong+`"}`); st != 422 || strings.Contains(string(b), code) {
			t.Fatalf("wrong code: %d %s", st, b)
		}
		before := time.Now()
		v := e.must("POST", "/v1/requests/"+id+"/verify", "", `{"code":"`+code+`"}`, 200)
		key := v["request_key"].(string)
		due, err := time.Parse(time.RFC3339, v["due_at"].(string))
		if err != nil || due.Sub(before.AddDate(0, 0, 30)) > time.Minute || before.AddDate(0, 0, 30).Sub(due) > time.Minute {
			t.Fatalf("due_at %v, want 30 days after verification (R-DSR-6)", v["due_at"])
		}
		if st, _ := e.call("POST", "/v1/requests/"+id+"/verify", "", `{"code":"`+code+`"}`); st != 409 {
			t.Fatalf("a code works once: %d", st)
		}
		got := e.must("GET", "/v1/requests/"+id, key, "", 200)
		if got["state"] != "verified" || got["type"] != "access" {
			t.Fatalf("request %v", got)
		}
		if st, _ := e.call("GET", "/v1/requests/"+id, "dsr_not-the-key", ""); st != 404 {
			t.Fatalf("a wrong key: %d", st)
		}
		// A customer admin of another tenant does not see it; of its own, it does.
		if st, _ := e.call("GET", "/v1/requests/"+id, e.customerAdmin("tn_other"), ""); st != 404 {
			t.Fatalf("other tenant's admin: %d", st)
		}
		e.must("GET", "/v1/requests/"+id, e.customerAdmin(tn), "", 200)

		e.sweep()
		got = e.must("GET", "/v1/requests/"+id, key, "", 200)
		if got["state"] != "completed" {
			t.Fatalf("after the sweep: %v", got)
		}
		msgs := e.mp.WaitFor(t, addr, 2)
		links := slices.Compact(regexp.MustCompile(`http://\S+/v1/exports/dl_[A-Za-z0-9_-]+`).FindAllString(msgs[1].Text, -1))
		links = links[:len(links)/2] // each link appears in the Chinese and the English part
		if len(links) != 2 || strings.Index(msgs[1].Text, "您好") > strings.Index(msgs[1].Text, "Hello") {
			t.Fatalf("links mail: %q", msgs[1].Text)
		}
		var pkg map[string]any
		for _, l := range links {
			res, err := http.Get(l)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("download: %d %s", res.StatusCode, body)
			}
			switch ct := res.Header.Get("Content-Type"); {
			case ct == "application/json":
				validateExport(t, body)
				_ = json.Unmarshal(body, &pkg)
			case strings.HasPrefix(ct, "text/html"):
				for _, want := range []string{"张伟测试者", "6222021234567890128", "我们保存的个人信息", "The personal information we hold", "payment_vendors_cn"} {
					if !bytes.Contains(body, []byte(want)) {
						t.Errorf("HTML page lacks %q", want)
					}
				}
			default:
				t.Fatalf("content type %q", ct)
			}
			// A link works once.
			res, _ = http.Get(l)
			res.Body.Close()
			if res.StatusCode != 404 {
				t.Fatalf("second download: %d", res.StatusCode)
			}
		}
		if pkg == nil {
			t.Fatal("no JSON package")
		}
		b, _ := json.Marshal(pkg)
		for _, want := range []string{`"张伟测试者"`, `"6222021234567890128"`, `"11010519491231002X"`, `"payment_vendors_cn"`, `"us_licensor"`, `"marketing"`, `"version":"3.0"`} {
			if !bytes.Contains(b, []byte(want)) {
				t.Errorf("package lacks %s", want)
			}
		}
		if tr := pkg["transfers_abroad"].([]any); len(tr) != 1 {
			t.Errorf("transfers abroad %v, want the licensor's", tr)
		}
		if len(e.events("dsr.export_downloaded")) != 2 {
			t.Error("downloads not audited")
		}
		h := e.must("GET", "/v1/requests/"+id+"/history", key, "", 200)["history"].([]any)
		var actions []string
		for _, x := range h {
			actions = append(actions, x.(map[string]any)["action"].(string))
		}
		if want := "received code_sent verify_failed verified in_progress export_ready completed"; strings.Join(actions, " ") != want {
			t.Fatalf("history %v, want %s", actions, want)
		}
		// Nothing of the PI is in the audit log or the history.
		for _, ev := range e.events("dsr.verify_failed") {
			if strings.Contains(fmt.Sprint(ev), addr) {
				t.Fatal("audit event holds the address")
			}
		}
	})
}

func validateExport(t *testing.T, body []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(dsr.ExportSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(dsr.SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(dsr.SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("package does not match its schema: %v", err)
	}
}

// R-DSR-5: five wrong codes lock the request; codes are rate-limited per subject and per
// address; an address not on record gets the same answer and no mail; an expired code fails.
func TestVerification(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "li.na.verify@example.cn"
		e.subject("individual_customer", addr)
		id := e.must("POST", "/v1/requests", "", `{"type":"explanation","email":"`+addr+`"}`, 202)["id"].(string)
		code := e.code(addr, 1)
		wrong := "999999"
		if code == wrong {
			wrong = "888888"
		}
		for i := 1; i <= 5; i++ {
			st, b := e.call("POST", "/v1/requests/"+id+"/verify", "", `{"code":"`+wrong+`"}`)
			if st != 422 {
				t.Fatalf("try %d: %d %s", i, st, b)
			}
		}
		if st, b := e.call("POST", "/v1/requests/"+id+"/verify", "", `{"code":"`+code+`"}`); st != 409 || !strings.Contains(string(b), "locked") {
			t.Fatalf("right code after 5 wrong ones: %d %s", st, b)
		}
		if len(e.events("dsr.locked")) != 1 {
			t.Fatal("lock not audited")
		}

		// Expiry: a code older than 10 minutes fails even when right.
		id2 := e.must("POST", "/v1/requests", "", `{"type":"explanation","email":"`+addr+`"}`, 202)["id"].(string)
		code2 := e.code(addr, 2)
		e.clock.add(11 * time.Minute)
		if st, b := e.call("POST", "/v1/requests/"+id2+"/verify", "", `{"code":"`+code2+`"}`); st != 422 || !strings.Contains(string(b), "expired") {
			t.Fatalf("expired code: %d %s", st, b)
		}
		// A new code, then the right one works.
		e.must("POST", "/v1/requests/"+id2+"/code", "", "", 202)
		code3 := e.code(addr, 3)
		e.must("POST", "/v1/requests/"+id2+"/verify", "", `{"code":"`+code3+`"}`, 200)

		// Rate limit: 5 codes an hour per address (3 sent so far above in this hour).
		e.must("POST", "/v1/requests", "", `{"type":"access","email":"`+addr+`"}`, 202)
		e.must("POST", "/v1/requests", "", `{"type":"access","email":"`+addr+`"}`, 202)
		if st, b := e.call("POST", "/v1/requests", "", `{"type":"access","email":"`+addr+`"}`); st != 429 {
			t.Fatalf("sixth code in an hour: %d %s", st, b)
		}

		// An address not on record: the same answer, no mail, never verifiable.
		const stranger = "nobody.here@example.cn"
		r := e.must("POST", "/v1/requests", "", `{"type":"access","email":"`+stranger+`"}`, 202)
		e.deliverMail()
		if n := len(e.mp.To(t, stranger)); n != 0 {
			t.Fatalf("%d mails to an address not on record", n)
		}
		if st, _ := e.call("POST", "/v1/requests/"+r["id"].(string)+"/verify", "", `{"code":"123456"}`); st != 422 {
			t.Fatalf("verifying a request for no one: %d", st)
		}
	})
}

// R-DSR-3, R-DSR-4: deletion tells the subject which services stop working before anything
// is destroyed, destroys the key and the records, then instructs every recipient that
// received data by a signed Standard Webhooks call, retried until each confirms; the
// request completes only then, and shows meanwhile who has not confirmed.
func TestDeletionRequest(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "wang.fang.delete@example.cn"
		_, sb := e.subject("individual_customer", addr)
		e.must("POST", "/v1/disclosures", e.officer(), `{"subject_id":"`+sb+`","recipient":"payment_vendors_cn","categories":["payment_data","administrator_data"],"basis":"contract"}`, 201)
		e.must("POST", "/v1/disclosures", e.officer(), `{"subject_id":"`+sb+`","recipient":"support_vendors_cn","categories":["support_data"],"basis":"contract"}`, 201)
		// vnet_beijing has no endpoint registered until later.
		e.must("POST", "/v1/disclosures", e.officer(), `{"subject_id":"`+sb+`","recipient":"vnet_beijing","categories":["administrator_data"],"basis":"contract"}`, 201)
		// A disclosure the register does not allow is refused (R-SHR-1).
		if st, _ := e.call("POST", "/v1/disclosures", e.officer(), `{"subject_id":"`+sb+`","recipient":"us_licensor","categories":["payment_data"],"basis":"contract"}`); st != 422 {
			t.Fatalf("undeclared category to a recipient: %d", st)
		}
		rcv := newReceiver(t, map[string]int{"support_vendors_cn": 1}) // fails its first call
		secrets := map[string]string{}
		for _, name := range []string{"payment_vendors_cn", "support_vendors_cn"} {
			out := e.must("PUT", "/v1/recipients/"+name+"/endpoint", e.admin(), `{"url":"`+rcv.srv.URL+`/`+name+`"}`, 200)
			secrets[name] = out["secret"].(string)
			if !strings.HasPrefix(secrets[name], "whsec_") {
				t.Fatalf("secret %q", secrets[name])
			}
			if got := e.must("GET", "/v1/recipients/"+name+"/endpoint", e.officer(), "", 200); got["secret"] != nil {
				t.Fatal("the secret is shown after creation")
			}
		}
		rcv.secrets = secrets

		id := e.must("POST", "/v1/requests", "", `{"type":"deletion","email":"`+addr+`"}`, 202)["id"].(string)
		e.deliverMail()
		m := e.mp.WaitFor(t, addr, 1)[0]
		// R-DSR-3: the services that stop working are told first, in the code mail.
		if !strings.Contains(m.Text, "以下服务将无法再为您提供") || !strings.Contains(m.Text, "these services stop working") || !strings.Contains(m.Text, "完成您要求的交易") {
			t.Fatalf("code mail does not list the consequences: %q", m.Text)
		}
		code := codeRE.FindStringSubmatch(m.Text)[1]
		key := e.must("POST", "/v1/requests/"+id+"/verify", "", `{"code":"`+code+`"}`, 200)["request_key"].(string)

		e.sweep() // plan, erase, first deliveries
		if st, _ := e.call("GET", "/v1/subjects/"+sb, e.admin(), ""); st != 404 {
			t.Fatalf("subject still readable after deletion: %d", st)
		}
		got := e.must("GET", "/v1/requests/"+id, key, "", 200)
		if got["state"] != "in_progress" || fmt.Sprint(got["pending"]) != "[support_vendors_cn vnet_beijing]" {
			t.Fatalf("after the first pass: state %v pending %v", got["state"], got["pending"])
		}
		e.clock.add(5 * time.Second) // past the backoff
		e.sweep()
		got = e.must("GET", "/v1/requests/"+id, key, "", 200)
		if got["state"] != "in_progress" || fmt.Sprint(got["pending"]) != "[vnet_beijing]" {
			t.Fatalf("after the retry: %v", got)
		}
		for _, x := range got["recipients"].([]any) {
			if r := x.(map[string]any); r["recipient"] == "vnet_beijing" && !strings.Contains(r["last_error"].(string), "no endpoint") {
				t.Fatalf("no endpoint, yet: %v", r)
			}
		}
		// Registering the endpoint sends the waiting instruction at once, backoff or not.
		secrets["vnet_beijing"] = e.must("PUT", "/v1/recipients/vnet_beijing/endpoint", e.admin(), `{"url":"`+rcv.srv.URL+`/vnet_beijing"}`, 200)["secret"].(string)
		e.sweep()
		got = e.must("GET", "/v1/requests/"+id, key, "", 200)
		if got["state"] != "completed" || got["pending"] != nil {
			t.Fatalf("after registering the last endpoint: %v", got)
		}
		if rcv.effects["payment_vendors_cn"] != 1 || rcv.effects["support_vendors_cn"] != 1 || rcv.calls["support_vendors_cn"] != 2 {
			t.Fatalf("effects %v calls %v", rcv.effects, rcv.calls)
		}
		if n := len(e.events("dsr.recipient_confirmed")); n != 3 {
			t.Fatalf("%d confirmations audited", n)
		}
		if n := len(e.events("subject.erase")); n != 1 {
			t.Fatalf("%d erasures", n)
		}
		if rcv.badSignatures > 0 {
			t.Fatalf("%d calls failed Standard Webhooks verification", rcv.badSignatures)
		}
		// Later sweeps change nothing and call no one.
		calls := rcv.total()
		e.clock.add(time.Hour)
		e.sweep()
		if rcv.total() != calls {
			t.Fatal("a completed deletion was delivered again")
		}
		if st, _ := e.call("POST", "/v1/requests/"+id+"/withdraw", key, ""); st != 409 {
			t.Fatalf("withdrawing a completed deletion: %d", st)
		}
	})
}

// receiver is a recipient's webhook endpoint that verifies the Standard Webhooks signature
// on its own (spec: HMAC-SHA256 over "id.timestamp.body" with the base64 key after whsec_),
// applies each instruction once per webhook-id, and fails the first calls it is told to.
type receiver struct {
	mu            sync.Mutex
	srv           *httptest.Server
	secrets       map[string]string
	failFirst     map[string]int
	calls         map[string]int
	effects       map[string]int
	seen          map[string]bool
	badSignatures int
}

func newReceiver(t *testing.T, failFirst map[string]int) *receiver {
	r := &receiver{failFirst: failFirst, calls: map[string]int{}, effects: map[string]int{}, seen: map[string]bool{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		name := strings.TrimPrefix(q.URL.Path, "/")
		body, _ := io.ReadAll(q.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls[name]++
		id, ts, sig := q.Header.Get("webhook-id"), q.Header.Get("webhook-timestamp"), q.Header.Get("webhook-signature")
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secrets[name], "whsec_"))
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(id + "." + ts + "." + string(body)))
		want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
		sec, _ := strconv.ParseInt(ts, 10, 64)
		if !hmac.Equal([]byte(sig), []byte(want)) || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
			r.badSignatures++
			w.WriteHeader(401)
			return
		}
		if r.calls[name] <= r.failFirst[name] {
			w.WriteHeader(503)
			return
		}
		if !r.seen[id] {
			r.seen[id] = true
			r.effects[name]++
		}
		w.WriteHeader(204)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		n += c
	}
	return n
}
