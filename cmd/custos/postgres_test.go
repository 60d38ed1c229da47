package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"custos.dev/custos/store/postgres/pgtest"
)

// Two stateless instances on one PostgreSQL database: a token made through one works on
// the other, concurrent changes through both make one log, and it verifies.
func TestTwoInstancesSharePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := pgtest.Schema(t)
	bin := buildBinary(t)
	key := filepath.Join(t.TempDir(), "audit.key")
	common := []string{"--db", dsn, "--audit-key", key, "--data", t.TempDir()}
	admin, errOut, code := run(t, bin, append([]string{"token", "create", "--role", "operator-admin"}, common...)...)
	if code != 0 {
		t.Fatalf("token create: %s", errOut)
	}
	admin = strings.TrimSpace(admin)
	a := startServer(t, bin, common...)
	b := startServer(t, bin, common...)

	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i, srv := range []*server{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				st, body := call(t, "POST", "http://"+srv.addr+"/v1/tokens", admin, fmt.Sprintf(`{"role":"auditor","label":"w%d-%d"}`, i, j))
				if st != 201 {
					errs <- fmt.Sprintf("%d %s", st, body)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	st, body := call(t, "GET", "http://"+b.addr+"/v1/tokens", admin, "")
	if st != 200 || strings.Count(string(body), `"role":"auditor"`) != 40 {
		t.Fatalf("instance b sees %d: %.200s", st, body)
	}
	out, errOut, code := run(t, bin, append([]string{"audit", "verify"}, common...)...)
	if code != 0 || !strings.HasPrefix(out, "audit log intact: size 41,") {
		t.Fatalf("verify: %d %s %s", code, out, errOut)
	}
	// An instance with another key is refused rather than forking the log.
	other := filepath.Join(t.TempDir(), "other.key")
	_, errOut, code = run(t, bin, "migrate", "--db", dsn, "--audit-key", other, "--data", t.TempDir())
	if code == 0 || !strings.Contains(errOut, "same --audit-key") {
		t.Fatalf("a second key was accepted: %d %s", code, errOut)
	}
}
