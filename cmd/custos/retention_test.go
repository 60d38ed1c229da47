package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"custos.dev/custos/app"
	"custos.dev/custos/auth"
	"custos.dev/custos/store/postgres"
	"custos.dev/custos/store/postgres/pgtest"
	"custos.dev/custos/subject"
)

// fillCancelled makes n subjects of one tenant, each with registration data (kept P0D after
// cancellation), and cancels the tenant: everything is due at once.
func fillCancelled(t *testing.T, data, dsn string, n int) {
	t.Helper()
	ctx := context.Background()
	cfg := app.DefaultConfig()
	cfg.Data, cfg.DB = data, dsn
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, os.Stderr), app.KeyCreate)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tn, err := a.Subjects.CreateTenant(ctx, auth.System, "kill test")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		id, err := a.Subjects.CreateSubject(ctx, auth.System, subject.NewSubject{TenantID: tn.ID, Kind: subject.KindEndUser,
			Email: fmt.Sprintf("user%d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Subjects.PutRecord(ctx, auth.System, id, "registration_data", []byte(`{"company":"示例","email":"user@example.com"}`), ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Retention.CancelTenant(ctx, auth.System, tn.ID, "kill-test"); err != nil {
		t.Fatal(err)
	}
}

func openDB(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// R-RET-3: a sweep killed in the middle (kill -9 of the real process) is completed after
// the restart by the server's periodic sweep: every subject ends fully erased (no record,
// no token, no profile, no key), each change was made and audited exactly once, and the
// audit log verifies.
func TestRetentionSweepSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and fills a database")
	}
	bin := buildBinary(t)
	t.Run("SQLite", func(t *testing.T) { killSweep(t, bin, false) })
	// On PostgreSQL two instances finish the work after the restart.
	t.Run("PostgreSQL", func(t *testing.T) { killSweep(t, bin, true) })
}

func killSweep(t *testing.T, bin string, pg bool) {
	const n = 1200
	data := t.TempDir()
	var db, keys *sql.DB
	common := []string{"--data", data}
	leafText := "CAST(leaf AS TEXT)"
	if pg {
		dsn := pgtest.Schema(t)
		fillCancelled(t, data, dsn, n)
		common = append(common, "--db", dsn)
		db = openDB(t, "pgx", dsn)
		var schema string
		if err := db.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
		keys = openDB(t, "pgx", pgtest.WithSearchPath(pgtest.DSN(t), postgres.KeysSchema(schema)))
		leafText = "convert_from(leaf, 'UTF8')"
	} else {
		fillCancelled(t, data, "", n)
		db = openDB(t, "sqlite", "file:"+filepath.Join(data, "custos.db")+"?_pragma=busy_timeout(10000)")
		keys = openDB(t, "sqlite", "file:"+filepath.Join(data, "keys.db")+"?_pragma=busy_timeout(10000)")
	}

	// A sweep in small transactions, killed once it has deleted some records; then
	// another, killed once it has erased some subjects (keys destroyed first).
	killWhen := func(what string, started func() bool) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"retention", "sweep", "--batch", "20"}, common...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		deadline := time.Now().Add(60 * time.Second)
		for !started() {
			if time.Now().After(deadline) {
				t.Fatalf("the sweep had not %s in 60s", what)
			}
			time.Sleep(2 * time.Millisecond)
		}
		_ = cmd.Process.Kill() // SIGKILL, to our own child by its pid
		if err := <-done; err == nil {
			t.Fatalf("the sweep finished before it was killed after it had %s: nothing was proved; raise n", what)
		}
		t.Logf("killed after it had %s: %d of %d records left, %d subjects erased, %d keys left", what,
			count(t, db, "SELECT COUNT(*) FROM records"), n, count(t, db, "SELECT COUNT(*) FROM subjects WHERE erased_at <> 0"),
			count(t, keys, "SELECT COUNT(*) FROM subject_keys"))
	}
	killWhen("deleted records", func() bool { return count(t, db, "SELECT COUNT(*) FROM records") < n })
	killWhen("erased subjects", func() bool { return count(t, db, "SELECT COUNT(*) FROM subjects WHERE erased_at <> 0") > 0 })

	// Restart: the server's periodic sweep finishes the work.
	srvs := []*server{startServer(t, bin, append(common, "--retention-interval", "1s")...)}
	if pg {
		srvs = append(srvs, startServer(t, bin, append(common, "--retention-interval", "1s")...))
	}
	deadline := time.Now().Add(90 * time.Second)
	for count(t, db, "SELECT COUNT(*) FROM subjects WHERE erased_at <> 0") < n {
		if time.Now().After(deadline) {
			t.Fatalf("after the restart only %d of %d subjects were erased in 90s", count(t, db, "SELECT COUNT(*) FROM subjects WHERE erased_at <> 0"), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, srv := range srvs {
		srv.stop(t)
	}

	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM records":                                                  0,
		"SELECT COUNT(*) FROM lookup_tokens":                                            0,
		"SELECT COUNT(*) FROM subjects WHERE state <> 'erased' OR length(profile) <> 0": 0,
	} {
		if got := count(t, db, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	if got := count(t, keys, "SELECT COUNT(*) FROM subject_keys WHERE subject_id NOT LIKE 'system:%'"); got != 0 {
		t.Errorf("%d data keys survive", got)
	}
	for action, want := range map[string]int{"retention.delete": n, "retention.erase_subject": n, "lifecycle.cancel": n} {
		got := count(t, db, `SELECT COUNT(*) FROM audit_events WHERE `+leafText+` LIKE '%"action":"`+action+`"%'`)
		if got != want {
			t.Errorf("%d %s events, want %d: each change audited exactly once", got, action, want)
		}
	}
	out, errOut, code := run(t, bin, append([]string{"audit", "verify"}, common...)...)
	if code != 0 || !strings.HasPrefix(out, "audit log intact") {
		t.Fatalf("audit verify: %d %s %s", code, out, errOut)
	}
	out, _, code = run(t, bin, append([]string{"retention", "plan", "--until", time.Now().AddDate(10, 0, 0).Format(time.DateOnly)}, common...)...)
	if code != 0 || !strings.Contains(out, "0 entries due") {
		t.Fatalf("retention plan after everything was done: %d %s", code, out)
	}
}
