package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib"

	"custos.dev/custos/internal/mailpittest"
	"custos.dev/custos/store/postgres/pgtest"
)

// recipientsOfTest are the recipients the subject's data went to, each with its secret.
var recipientsOfTest = map[string]string{
	"vnet_beijing":       "whsec_" + base64.StdEncoding.EncodeToString([]byte("secret-of-vnet-beijing-32-bytes!")),
	"payment_vendors_cn": "whsec_" + base64.StdEncoding.EncodeToString([]byte("secret-of-payment-vendors-32byte")),
	"support_vendors_cn": "whsec_" + base64.StdEncoding.EncodeToString([]byte("secret-of-support-vendors-32byte")),
	"us_licensor":        "whsec_" + base64.StdEncoding.EncodeToString([]byte("secret-of-the-us-licensor-32byte")),
}

// killReceiver is the recipients' side: it checks each Standard Webhooks signature, applies
// an instruction once per webhook-id, and until opened answers 503 — for payment_vendors_cn
// after applying it, as if the answer were lost.
type killReceiver struct {
	mu      sync.Mutex
	open    bool
	calls   int
	effects map[string]int // recipient → deletions applied
	seen    map[string]bool
	bad     int
}

func (k *killReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	body, _ := io.ReadAll(r.Body)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls++
	id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(recipientsOfTest[name], "whsec_"))
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "." + string(body)))
	if r.Header.Get("webhook-signature") != "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)) {
		k.bad++
		w.WriteHeader(401)
		return
	}
	apply := func() {
		if !k.seen[id] {
			k.seen[id] = true
			k.effects[name]++
		}
	}
	if !k.open {
		if name == "payment_vendors_cn" {
			apply()
		}
		w.WriteHeader(503)
		return
	}
	apply()
	w.WriteHeader(200)
}

// waitLog waits for a log line holding every one of parts.
func (w *server) waitLog(t *testing.T, d time.Duration, parts ...string) {
	t.Helper()
	w.waitLogAny(t, d, parts)
}

// waitLogAny waits for a log line holding every part of one of the alternatives.
func (w *server) waitLogAny(t *testing.T, d time.Duration, alternatives ...[]string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		for _, l := range w.lines {
			for _, parts := range alternatives {
				ok := true
				for _, p := range parts {
					ok = ok && strings.Contains(l, p)
				}
				if ok {
					w.mu.Unlock()
					return
				}
			}
		}
		w.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no log line with any of %q after %s", alternatives, d)
}

// kill9 kills the server by its own pid with SIGKILL: no shutdown, no flush.
func (w *server) kill9(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = w.cmd.Wait()
}

// deletionOutcome is what a deletion run ends with, to compare a killed run with an
// uninterrupted one.
type deletionOutcome struct {
	State         string
	Recipients    []string // recipient=state
	Pending       int
	SubjectStatus int
	Effects       map[string]int
	EraseEvents   int
	Confirmations int
	Completions   int
	Actions       []string // distinct history actions, sorted
	AuditIntact   bool
}

// R-DSR-3, R-DSR-4: a server killed with SIGKILL in the middle of a deletion resumes on
// restart and ends in the same state as a run that was not interrupted: the subject erased
// once, every recipient instructed, each instruction applied exactly once, the request
// completed, the audit log intact.
func TestDeletionSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	mp := mailpittest.Start(t)
	t.Run("SQLite", func(t *testing.T) { deletionSurvivesKill9(t, bin, mp, func() string { return "" }) })
	t.Run("PostgreSQL", func(t *testing.T) {
		pgtest.DSN(t)
		deletionSurvivesKill9(t, bin, mp, func() string { return pgtest.Schema(t) })
	})
}

func deletionSurvivesKill9(t *testing.T, bin string, mp *mailpittest.Server, db func() string) {
	uninterrupted := runDeletion(t, bin, mp, false, db())
	killed := runDeletion(t, bin, mp, true, db())
	if diff := cmp.Diff(uninterrupted, killed); diff != "" {
		t.Fatalf("the killed run ended differently (-uninterrupted +killed):\n%s", diff)
	}
	if uninterrupted.State != "completed" || uninterrupted.Pending != 0 || uninterrupted.SubjectStatus != 404 || uninterrupted.EraseEvents != 1 ||
		uninterrupted.Confirmations != len(recipientsOfTest) || !uninterrupted.AuditIntact {
		t.Fatalf("outcome %+v", uninterrupted)
	}
	for name := range recipientsOfTest {
		if uninterrupted.Effects[name] != 1 {
			t.Fatalf("%s applied the deletion %d times", name, uninterrupted.Effects[name])
		}
	}
}

var killCodeRE = regexp.MustCompile(`\n {4}(\d{6})\r?\n`)

func runDeletion(t *testing.T, bin string, mp *mailpittest.Server, kill bool, dbURL string) deletionOutcome {
	t.Helper()
	rcv := &killReceiver{effects: map[string]int{}, seen: map[string]bool{}}
	rs := httptest.NewServer(rcv)
	defer rs.Close()
	data := t.TempDir()
	common := []string{"--data", data}
	if dbURL != "" {
		common = append(common, "--db", dbURL)
	}
	args := []string{"--smtp", mp.SMTPAddr, "--mail-from", "privacy@custos.test", "--mail-interval", "200ms",
		"--dsr-interval", "300ms", "--webhook-retry-base", "500ms", "--audit-verify-interval", "0"}
	args = append(args, common...)
	admin, _, code := run(t, bin, append([]string{"token", "create", "--role", "operator-admin"}, common...)...)
	if code != 0 {
		t.Fatal("token create failed")
	}
	admin = strings.TrimSpace(admin)
	srv := startServer(t, bin, args...)
	base := "http://" + srv.addr
	must := func(method, path, body string, want int) map[string]any {
		t.Helper()
		st, b := call(t, method, base+path, admin, body)
		if st != want {
			t.Fatalf("%s %s: %d %s", method, path, st, b)
		}
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return out
	}
	addr := fmt.Sprintf("kill.test.%d.%t@example.cn", time.Now().UnixNano(), kill)
	tn := must("POST", "/v1/tenants", `{"name":"t"}`, 201)["id"].(string)
	sb := must("POST", "/v1/subjects", `{"tenant_id":"`+tn+`","kind":"individual_customer","email":"`+addr+`"}`, 201)["id"].(string)
	must("PUT", "/v1/subjects/"+sb+"/records/administrator_data", `{"name":"测试","email":"`+addr+`"}`, 201)
	for name, secret := range recipientsOfTest {
		cat := "administrator_data"
		if name == "us_licensor" || name == "support_vendors_cn" {
			cat = "support_data"
		}
		must("POST", "/v1/disclosures", `{"subject_id":"`+sb+`","recipient":"`+name+`","categories":["`+cat+`"],"basis":"contract"}`, 201)
		must("PUT", "/v1/recipients/"+name+"/endpoint", `{"url":"`+rs.URL+`/`+name+`","secret":"`+secret+`"}`, 200)
	}
	st, b := callAnon(t, "POST", base+"/v1/requests", `{"type":"deletion","email":"`+addr+`"}`)
	if st != 202 {
		t.Fatalf("file: %d %s", st, b)
	}
	var filed struct{ ID string }
	_ = json.Unmarshal(b, &filed)
	msg := mp.WaitFor(t, addr, 1)[0]
	otp := killCodeRE.FindStringSubmatch(msg.Text)
	if otp == nil {
		t.Fatalf("no code in %q", msg.Text)
	}
	if st, b = callAnon(t, "POST", base+"/v1/requests/"+filed.ID+"/verify", `{"code":"`+otp[1]+`"}`); st != 200 {
		t.Fatalf("verify: %d %s", st, b)
	}
	if kill {
		// Kill the server twice while the deletion runs: at its first step, then at whatever
		// the restarted server does first (the next step, or a failed delivery).
		for i := range 2 {
			// A step of the deletion, or — when the first server already got as far as
			// "erased" — a failed round of deliveries (the receiver still refuses).
			srv.waitLogAny(t, 60*time.Second, []string{filed.ID, `"step":`},
				[]string{`"deletion instruction attempt failed"`, filed.ID})
			srv.kill9(t)
			// The killed server left the deletion half done.
			driver, dsn, ph := "sqlite", "file:"+filepath.Join(data, "custos.db")+"?_pragma=busy_timeout(10000)", "?"
			if dbURL != "" {
				driver, dsn, ph = "pgx", dbURL, "$1"
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			var state, step string
			var confirmed int
			if err := db.QueryRow("SELECT state, step FROM dsr_requests WHERE id = "+ph, filed.ID).Scan(&state, &step); err != nil {
				t.Fatal(err)
			}
			_ = db.QueryRow("SELECT COUNT(*) FROM deletion_instructions WHERE state = 'confirmed'").Scan(&confirmed)
			db.Close()
			if state != "in_progress" || confirmed != 0 {
				t.Fatalf("at kill %d: state %s, step %s, %d confirmed; want a deletion in progress", i+1, state, step, confirmed)
			}
			t.Logf("kill %d: the deletion was at step %q", i+1, step)
			if i == 1 {
				rcv.mu.Lock()
				rcv.open = true
				rcv.mu.Unlock()
			}
			srv = startServer(t, bin, args...)
			base = "http://" + srv.addr
		}
	} else {
		srv.waitLog(t, 60*time.Second, `"subject request step"`, filed.ID, `"step":"erased"`)
		time.Sleep(time.Second) // a failed round of deliveries, as in the killed run
		rcv.mu.Lock()
		rcv.open = true
		rcv.mu.Unlock()
	}
	var got map[string]any
	deadline := time.Now().Add(120 * time.Second)
	for {
		got = must("GET", "/v1/requests/"+filed.ID, "", 200)
		if got["state"] == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deletion did not complete: %v", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	out := deletionOutcome{State: got["state"].(string), Effects: map[string]int{}}
	for _, x := range got["recipients"].([]any) {
		m := x.(map[string]any)
		out.Recipients = append(out.Recipients, m["recipient"].(string)+"="+m["state"].(string))
	}
	if p, ok := got["pending"].([]any); ok {
		out.Pending = len(p)
	}
	out.SubjectStatus, _ = call(t, "GET", base+"/v1/subjects/"+sb, admin, "")
	rcv.mu.Lock()
	for k, v := range rcv.effects {
		out.Effects[k] = v
	}
	if rcv.bad > 0 {
		t.Errorf("%d webhook calls failed signature verification", rcv.bad)
	}
	rcv.mu.Unlock()
	h := must("GET", "/v1/requests/"+filed.ID+"/history", "", 200)["history"].([]any)
	for _, x := range h {
		a := x.(map[string]any)["action"].(string)
		if !slices.Contains(out.Actions, a) {
			out.Actions = append(out.Actions, a)
		}
	}
	slices.Sort(out.Actions)
	cp := must("GET", "/v1/audit/entries?start=0&end=1000", "", 200)["entries"].([]any)
	for _, x := range cp {
		ev := x.(map[string]any)["event"].(map[string]any)
		if ev["subject"] != sb {
			continue
		}
		switch ev["action"] {
		case "subject.erase":
			out.EraseEvents++
		case "dsr.recipient_confirmed":
			out.Confirmations++
		case "dsr.complete":
			out.Completions++
		}
	}
	srv.stop(t)
	o, _, code := run(t, bin, append([]string{"audit", "verify"}, common...)...)
	out.AuditIntact = code == 0 && strings.HasPrefix(o, "audit log intact")
	return out
}

// callAnon calls without any Authorization header, as a subject does.
func callAnon(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}
