package retention_test

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
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

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// env is the vault and retention on a real store of one engine.
type env struct {
	t        testing.TB
	db       *sqldb.DB
	keys     *sqldb.Keys
	signer   *auditlog.Signer
	subjects *subject.Service
	ret      *retention.Service
	clock    *clock
	dir      string // SQLite data folder
	schema   string // PostgreSQL schema
}

// engines runs fn on SQLite, and on PostgreSQL when CUSTOS_TEST_POSTGRES is set (always in CI).
func engines(t *testing.T, fn func(t *testing.T, pg bool)) {
	t.Run("SQLite", func(t *testing.T) { t.Parallel(); fn(t, false) })
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		pgtest.DSN(t)
		fn(t, true)
	})
}

var start = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newEnv(t testing.TB, pg bool, eng *policy.Engine) *env {
	t.Helper()
	ctx := context.Background()
	if eng == nil {
		eng = policy.Default()
	}
	e := &env{t: t, signer: storetest.NewSigner(t), clock: &clock{t: start}}
	if pg {
		s, err := postgres.Open(ctx, pgtest.Schema(t), e.signer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		e.db, e.keys = s.DB, s.Keys
		_ = s.W.QueryRowContext(ctx, "SELECT current_schema()").Scan(&e.schema)
	} else {
		e.dir = t.TempDir()
		s, err := sqlite.Open(ctx, e.dir, e.signer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		e.db, e.keys = s.DB, s.Keys
	}
	kekJSON, err := vault.GenerateKEK()
	if err != nil {
		t.Fatal(err)
	}
	kek, err := vault.NewKEK(kekJSON)
	if err != nil {
		t.Fatal(err)
	}
	// Termination notices are queued in the mail outbox, sealed like the app seals them.
	_, mailKey, err := kek.NewDataKey("system:mail-outbox")
	if err != nil {
		t.Fatal(err)
	}
	e.db.Mail = mailKey
	tk, _ := vault.GenerateTokenKey()
	tokens, err := vault.NewTokenizer(tk)
	if err != nil {
		t.Fatal(err)
	}
	e.subjects = &subject.Service{Store: e.db, Keys: e.keys, Consents: e.db, KEK: kek, Tokens: tokens,
		Cache: vault.NewKeyCache(100), Policy: eng, Region: "cn-north", Now: e.clock.Now}
	e.ret = &retention.Service{Store: e.db, Vault: e.subjects, Keys: e.keys, Policy: eng, Now: e.clock.Now, Batch: 7,
		Log: slog.New(slog.DiscardHandler)}
	return e
}

var (
	officer = auth.Principal{TokenID: "po", Role: auth.RolePrivacyOfficer, Location: "cn"}
	admin   = auth.Principal{TokenID: "oa", Role: auth.RoleOperatorAdmin, Location: "cn"}
)

func (e *env) tenant(name string) string {
	e.t.Helper()
	tn, err := e.subjects.CreateTenant(context.Background(), admin, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return tn.ID
}

// subject creates a subject with an e-mail address and the given records.
func (e *env) subject(tenant, email string, records map[string]string) string {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.subjects.CreateSubject(ctx, admin, subject.NewSubject{TenantID: tenant, Kind: subject.KindEndUser, Email: email})
	if err != nil {
		e.t.Fatal(err)
	}
	for cat, body := range records {
		if _, err := e.subjects.PutRecord(ctx, admin, id, cat, []byte(body), ""); err != nil {
			e.t.Fatalf("put %s: %v", cat, err)
		}
	}
	return id
}

func (e *env) sweep() retention.Report {
	e.t.Helper()
	rep, err := e.ret.Sweep(context.Background())
	if err != nil {
		e.t.Fatalf("sweep: %v", err)
	}
	return rep
}

func (e *env) categories(id string) []string {
	e.t.Helper()
	rows, err := e.db.R.Query(e.db.Q("SELECT category FROM records WHERE subject_id = ? ORDER BY category"), id)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c string
		_ = rows.Scan(&c)
		out = append(out, c)
	}
	return out
}

func (e *env) state(id string) *retention.SubjectState {
	e.t.Helper()
	st, err := e.db.SubjectState(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func (e *env) hasKey(id string) bool {
	e.t.Helper()
	_, err := e.keys.Key(context.Background(), id)
	if err != nil && !strings.Contains(err.Error(), "not found") {
		e.t.Fatal(err)
	}
	return err == nil
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.R.QueryRow(e.db.Q(q), args...).Scan(&n); err != nil && err != sql.ErrNoRows {
		e.t.Fatal(err)
	}
	return n
}

// events returns the audit events with an action, in order.
func (e *env) events(action string) []*auditlog.Event {
	e.t.Helper()
	leaves, err := e.db.ReadLeaves(context.Background(), 0, 1<<30)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*auditlog.Event
	for _, l := range leaves {
		ev, err := auditlog.DecodeLeaf(l.Data)
		if err != nil {
			e.t.Fatal(err)
		}
		if action == "" || ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

func (e *env) verify() {
	e.t.Helper()
	if _, err := auditlog.Verify(context.Background(), e.db, e.signer.Verifier()); err != nil {
		e.t.Fatalf("audit log does not verify: %v", err)
	}
}
