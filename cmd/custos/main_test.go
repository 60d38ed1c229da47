package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	_ "modernc.org/sqlite"
)

// buildBinary builds the real custos binary once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "custos")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// server is a running `custos serve` started by the test; only it is ever stopped. Its
// log lines are kept for the test to read and wait for.
type server struct {
	cmd   *exec.Cmd
	addr  string
	mu    sync.Mutex
	lines []string
}

func startServer(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd}
	t.Cleanup(func() { s.stop(t) })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.lines = append(s.lines, line)
			s.mu.Unlock()
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "custos serving" {
				ready <- rec.Addr
			}
		}
		close(ready)
	}()
	select {
	case addr, ok := <-ready:
		if !ok {
			t.Fatalf("custos serve exited before serving")
		}
		s.addr = addr
	case <-time.After(60 * time.Second):
		t.Fatal("custos serve did not start in 60s")
	}
	return s
}

// log is the log so far, a line each.
func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

func (s *server) stop(t *testing.T) {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM) // our own child, by its pid
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("custos serve exited with %v", err)
		}
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
		t.Error("custos serve did not stop on SIGTERM within 20s")
	}
}

// run runs a custos command and returns its stdout, stderr and exit code.
func run(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func call(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// TestEndToEnd runs the real binary: serve, create tokens with the CLI while it runs, make
// changes over HTTP, verify the audit log over HTTP with tlog's own proof checks, tamper
// with a stored event, and see `custos audit verify` fail naming it.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	srv := startServer(t, bin, "--data", data)
	base := "http://" + srv.addr

	admin, errOut, code := run(t, bin, "token", "create", "--role", "operator-admin", "--data", data)
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errOut)
	}
	admin = strings.TrimSpace(admin)
	auditor, _, _ := run(t, bin, "token", "create", "--role", "auditor", "--data", data)
	auditor = strings.TrimSpace(auditor)

	if st, _ := call(t, "GET", base+"/v1/tokens", "", ""); st != 401 {
		t.Fatalf("no token: %d", st)
	}
	if st, _ := call(t, "GET", base+"/v1/tokens", auditor, ""); st != 403 {
		t.Fatalf("auditor on tokens: %d", st)
	}
	// Changes: a token over HTTP, a sensitive denial, a revocation.
	st, body := call(t, "POST", base+"/v1/tokens", admin, `{"role":"customer-admin","tenant":"t-42"}`)
	if st != 201 {
		t.Fatalf("create token: %d %s", st, body)
	}
	var created struct{ ID string }
	_ = json.Unmarshal(body, &created)
	st, body = call(t, "POST", base+"/v1/decisions", admin, `{"question":{"actor":{"role":"support-engineer","location":"abroad"},"subject":{"tenant":"t-42","state":"active","real_name_verified":true},"category":"payment_data","purpose":"marketing"}}`)
	if st != 200 || !strings.Contains(string(body), `"allow":false`) {
		t.Fatalf("decision: %d %s", st, body)
	}
	if st, body = call(t, "DELETE", base+"/v1/tokens/"+created.ID, admin, ""); st != 204 {
		t.Fatalf("revoke: %d %s", st, body)
	}

	// An auditor's check with golang.org/x/mod alone.
	_, keyText := call(t, "GET", base+"/v1/audit/key", auditor, "")
	verifier, err := note.NewVerifier(strings.TrimSpace(string(keyText)))
	if err != nil {
		t.Fatal(err)
	}
	_, cpText := call(t, "GET", base+"/v1/audit/checkpoint", auditor, "")
	n, err := note.Open(cpText, note.VerifierList(verifier))
	if err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	var size int64
	fmt.Sscan(lines[1], &size)
	rootRaw, _ := base64.StdEncoding.DecodeString(lines[2])
	root := tlog.Hash(rootRaw)
	if size != 5 { // 2 CLI tokens, 1 HTTP token, 1 denial, 1 revocation
		t.Fatalf("log size %d, want 5", size)
	}
	_, body = call(t, "GET", fmt.Sprintf("%s/v1/audit/entries?start=0&end=%d", base, size), auditor, "")
	var entries struct {
		Entries []struct {
			Index int64
			Leaf  []byte
		}
	}
	if err := json.Unmarshal(body, &entries); err != nil || len(entries.Entries) != int(size) {
		t.Fatalf("entries: %v %s", err, body)
	}
	for _, e := range entries.Entries {
		_, body = call(t, "GET", fmt.Sprintf("%s/v1/audit/proofs/inclusion?index=%d&size=%d", base, e.Index, size), auditor, "")
		var p struct{ Proof []tlog.Hash }
		_ = json.Unmarshal(body, &p)
		if err := tlog.CheckRecord(p.Proof, size, root, e.Index, tlog.RecordHash(e.Leaf)); err != nil {
			t.Fatalf("inclusion %d: %v", e.Index, err)
		}
	}
	if strings.Contains(srv.log(), admin) || strings.Contains(srv.log(), auditor) {
		t.Fatal("a token secret appears in the server log")
	}

	out, errOut, code := run(t, bin, "audit", "verify", "--data", data)
	if code != 0 || !strings.HasPrefix(out, "audit log intact: size 5, root "+lines[2]) || strings.Count(out, "\n") != 1 {
		t.Fatalf("verify intact: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code = run(t, bin, "audit", "verify", "--data", data, "--verifier-key", strings.TrimSpace(string(keyText)))
	if code != 0 {
		t.Fatalf("verify with the published key: %d %s", code, out)
	}

	// Tamper with event 2 in the database file while the server runs.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "custos.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), `UPDATE audit_events SET leaf = CAST(replace(CAST(leaf AS TEXT), 't-42', 't-43') AS BLOB) WHERE idx = 2`); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, bin, "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(out, "index 2") {
		t.Fatalf("verify after tampering: exit %d, %q; want exit 1 naming index 2", code, out)
	}
	// Deleting an event is caught too.
	if _, err := db.Exec(`UPDATE audit_events SET leaf = CAST(replace(CAST(leaf AS TEXT), 't-43', 't-42') AS BLOB) WHERE idx = 2`); err != nil {
		t.Fatal(err)
	}
	if out, _, code = run(t, bin, "audit", "verify", "--data", data); code != 0 {
		t.Fatalf("restored event should verify: %d %s", code, out)
	}
	if _, err := db.Exec(`DELETE FROM audit_events WHERE idx = 3`); err != nil {
		t.Fatal(err)
	}
	if out, _, code = run(t, bin, "audit", "verify", "--data", data); code != 1 || !strings.Contains(out, "index 3") {
		t.Fatalf("verify after deleting event 3: exit %d %q", code, out)
	}
	srv.stop(t)
}

func TestPolicyCheck(t *testing.T) {
	var stdout, stderr bytes.Buffer
	m := &Main{Stdout: &stdout, Stderr: os.Stderr, Getenv: func(string) string { return "" }}
	if code := m.Run(context.Background(), []string{"policy", "check"}); code != 0 {
		t.Fatalf("embedded policy: exit %d", code)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("statement:\n  name: x\ncategories:\n  - name: customer_data\n    purposes:\n      - purpose: nowhere\n"), 0o600)
	errFile, _ := os.CreateTemp(t.TempDir(), "stderr")
	m = &Main{Stdout: &stdout, Stderr: errFile, Getenv: func(string) string { return "" }}
	if code := m.Run(context.Background(), []string{"policy", "check", bad}); code != 1 {
		t.Fatalf("broken policy: exit %d", code)
	}
	msg, _ := os.ReadFile(errFile.Name())
	if !strings.Contains(string(msg), bad+":") {
		t.Fatalf("error does not name the file and line: %s", msg)
	}
	_ = stderr
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "custos.yaml")
	os.WriteFile(file, []byte("addr: 127.0.0.1:7001\nregion: cn-east\nlog_level: warn\n"), 0o600)
	env := map[string]string{"CUSTOS_CONFIG": file, "CUSTOS_ADDR": "127.0.0.1:7002", "CUSTOS_DATA": "/tmp/x"}
	m := &Main{Stdout: io.Discard, Stderr: os.Stderr, Getenv: func(k string) string { return env[k] }}
	cf := newFlags(m, "serve")
	if err := cf.fs.Parse([]string{"--data", "/tmp/y"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := cf.load(m)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:7002" || cfg.Data != "/tmp/y" || cfg.Region != "cn-east" || cfg.LogLevel != "warn" {
		t.Fatalf("config %+v: want env over file, flags over env", cfg)
	}
	os.WriteFile(file, []byte("adress: 127.0.0.1:7001\n"), 0o600)
	if _, err := cf.load(m); err == nil || !strings.Contains(err.Error(), "adress") {
		t.Fatalf("unknown config key accepted: %v", err)
	}
}

// R-SEC-1: rotating the vault's KEK (servers stopped) re-wraps every data key; records stay
// readable, and the retired key versions are gone from the KEK file.
func TestVaultRotateKEK(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	admin, _, _ := run(t, bin, "token", "create", "--role", "operator-admin", "--data", data)
	admin = strings.TrimSpace(admin)
	srv := startServer(t, bin, "--data", data)
	base := "http://" + srv.addr
	_, body := call(t, "POST", base+"/v1/tenants", admin, `{"name":"t"}`)
	var tn struct{ ID string }
	_ = json.Unmarshal(body, &tn)
	st, body := call(t, "POST", base+"/v1/subjects", admin, `{"tenant_id":"`+tn.ID+`","kind":"end_user","email":"rot@example.com"}`)
	var sb struct{ ID string }
	if err := json.Unmarshal(body, &sb); err != nil || st != 201 {
		t.Fatalf("subject: %d %s", st, body)
	}
	if st, body = call(t, "PUT", base+"/v1/subjects/"+sb.ID+"/records/administrator_data", admin, `{"email":"rot@example.com"}`); st != 201 {
		t.Fatalf("record: %d %s", st, body)
	}
	srv.stop(t)
	before, _ := os.ReadFile(filepath.Join(data, "vault-kek.json"))
	out, errOut, code := run(t, bin, "vault", "rotate-kek", "--retire", "--data", data)
	// Three keys: the subject's, its administrator_data category's and the mail outbox's.
	if code != 0 || !strings.Contains(out, "3 data keys re-wrapped") || !strings.Contains(out, "retired") {
		t.Fatalf("rotate: %d %s %s", code, out, errOut)
	}
	after, _ := os.ReadFile(filepath.Join(data, "vault-kek.json"))
	if bytes.Equal(before, after) || strings.Count(string(after), `"keyId"`) != 1 {
		t.Fatalf("KEK file after retiring holds %d keys", strings.Count(string(after), `"keyId"`))
	}
	srv = startServer(t, bin, "--data", data)
	st, body = call(t, "GET", "http://"+srv.addr+"/v1/subjects/"+sb.ID+"/records/administrator_data?purpose=manage_account", admin, "")
	if st != 200 || !strings.Contains(string(body), "rot@example.com") {
		t.Fatalf("record after rotation: %d %s", st, body)
	}
}
