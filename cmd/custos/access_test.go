package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"custos.dev/custos/store/postgres/pgtest"
)

// R-RES-2, R-SUP-1: two real instances on one PostgreSQL database. A grant approved through
// one serves reads on the other; revoked through one, it refuses the very next read on the
// other. An approver's token revoked with the CLI while instance b is killed -9 is still
// refused at once on a, and a's sweep (the periodic job) records the end.
func TestAccessAcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := pgtest.Schema(t)
	bin := buildBinary(t)
	key := filepath.Join(t.TempDir(), "audit.key")
	common := []string{"--db", dsn, "--audit-key", key, "--data", t.TempDir()}
	token := func(args ...string) string {
		t.Helper()
		out, errOut, code := run(t, bin, append(append([]string{"token", "create"}, args...), common...)...)
		if code != 0 {
			t.Fatalf("token create: %s", errOut)
		}
		return strings.TrimSpace(out)
	}
	admin, eng := token("--role", "operator-admin"), token("--role", "support-engineer", "--label", "E1024")
	a := startServer(t, bin, append(common, "--access-sweep-interval", "1s", "--access-refresh-interval", "200ms")...)
	b := startServer(t, bin, common...)
	obj := func(srv *server, method, path, tok, body string, want int) map[string]any {
		t.Helper()
		st, resp := call(t, method, "http://"+srv.addr+path, tok, body)
		if st != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, st, want, resp)
		}
		var m map[string]any
		_ = json.Unmarshal(resp, &m)
		return m
	}
	tn := obj(a, "POST", "/v1/tenants", admin, `{"name":"跨实例测试"}`, 201)["id"].(string)
	user := obj(a, "POST", "/v1/subjects", admin, `{"tenant_id":"`+tn+`","kind":"end_user"}`, 201)["id"].(string)
	obj(a, "PUT", "/v1/subjects/"+user+"/records/customer_data", admin, `{"content":"业务数据"}`, 201)
	cust := token("--role", "customer-admin", "--tenant", tn)
	read := "/v1/subjects/" + user + "/records/customer_data?purpose=troubleshooting"
	request := `{"requester":"E1024","entity":"operator","country":"CN","ticket":"INC-9","tenant_id":"` + tn +
		`","categories":["customer_data"],"purpose":"troubleshooting","justification":"fault"}`

	id := obj(a, "POST", "/v1/access-requests", eng, request, 201)["id"].(string)
	obj(b, "POST", "/v1/access-requests/"+id+"/approve", cust, "", 200)
	obj(a, "GET", read, eng, "", 200)
	obj(b, "GET", read, eng, "", 200)
	obj(a, "POST", "/v1/access-requests/"+id+"/revoke", cust, "", 200)
	obj(b, "GET", read, eng, "", 403) // the very next read on the other instance

	// A second grant; its approver's token is revoked with the CLI while b is killed.
	cust2 := token("--role", "customer-admin", "--tenant", tn, "--label", "approver")
	id2 := obj(b, "POST", "/v1/access-requests", eng, request, 201)["id"].(string)
	got := obj(b, "POST", "/v1/access-requests/"+id2+"/approve", cust2, "", 200)
	obj(a, "GET", read, eng, "", 200)
	if err := b.cmd.Process.Kill(); err != nil { // kill -9 of our own child, by its pid
		t.Fatal(err)
	}
	_ = b.cmd.Wait()
	list := obj(a, "GET", "/v1/tokens", admin, "", 200)["tokens"].([]any)
	approver := got["customer_approver"].(string)
	found := false
	for _, tk := range list {
		found = found || tk.(map[string]any)["id"] == approver
	}
	if !found {
		t.Fatalf("approver token %s not listed", approver)
	}
	if _, errOut, code := run(t, bin, append(append([]string{"token", "revoke"}, common...), approver)...); code != 0 {
		t.Fatalf("token revoke: %s", errOut)
	}
	obj(a, "GET", read, eng, "", 403)
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := obj(a, "GET", "/v1/access-requests/"+id2, admin, "", 200)
		if r["state"] == "ended" {
			if r["end_reason"] != "approver_revoked" {
				t.Fatalf("ended for %v", r["end_reason"])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sweep did not end the grant within 30s: %v", r)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
