// Package storetest is the contract every custos store must keep, run against each engine
// (SQLite in a temporary folder, PostgreSQL in a schema of its own per test).
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
)

// Store is what the contract covers.
type Store interface {
	auth.Store
	auditlog.Store
	Close() error
}

// Opener opens a store on one fresh database; calling it again opens the same database
// again (a restart), possibly with another signer. The engine closes what it opened when
// the test ends.
type Opener func(signer *auditlog.Signer) (Store, error)

// Engine makes a fresh database per test and returns its Opener.
type Engine func(t testing.TB) Opener

// NewSigner makes a signer with a new key.
func NewSigner(t testing.TB) *auditlog.Signer {
	t.Helper()
	skey, _, err := auditlog.GenerateKey("test.custos/audit")
	if err != nil {
		t.Fatal(err)
	}
	s, err := auditlog.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Run runs the contract.
func Run(t *testing.T, engine Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"TokenLifecycle", testTokenLifecycle},
		{"TokenConflictWritesNothing", testTokenConflictWritesNothing},
		{"AuditAppendVerifyAndProve", testAuditAppendVerifyAndProve},
		{"AuditConcurrentAppends", testAuditConcurrentAppends},
		{"AuditSurvivesReopen", testAuditSurvivesReopen},
		{"AuditKeyMismatchRefused", testAuditKeyMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, engine(t))
		})
	}
}

func event(action string) *auditlog.Event {
	return &auditlog.Event{Actor: "test", Action: action, RIDs: []string{"R-SEC-1"}}
}

func mustVerify(t *testing.T, s Store, signer *auditlog.Signer, want int64) auditlog.Report {
	t.Helper()
	rep, err := auditlog.Verify(context.Background(), s, signer.Verifier())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if rep.Size != want || rep.Latest != want {
		t.Fatalf("verified %d events (latest checkpoint %d), want %d", rep.Size, rep.Latest, want)
	}
	return rep
}

func testTokenLifecycle(t *testing.T, open Opener) {
	ctx := context.Background()
	signer := NewSigner(t)
	s := mustOpen(t, open, signer)
	svc := auth.NewService(s)
	secret, tok, err := svc.Create(ctx, auth.System, auth.RoleCustomerAdmin, "tenant-1", "ops", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Authenticate(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if p.TokenID != tok.ID || p.Role != auth.RoleCustomerAdmin || p.Tenant != "tenant-1" {
		t.Fatalf("principal %+v for token %+v", p, tok)
	}
	list, err := s.ListTokens(ctx)
	if err != nil || len(list) != 1 || list[0].ID != tok.ID || !list[0].CreatedAt.Equal(tok.CreatedAt.Truncate(time.Microsecond)) {
		t.Fatalf("ListTokens = %+v, %v", list, err)
	}
	if err := svc.Revoke(ctx, auth.System, tok.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.Revoke(ctx, auth.System, tok.ID); err != nil {
		t.Fatalf("second revoke: %v", err)
	}
	if _, err := svc.Authenticate(ctx, secret); custos.KindOf(err) != custos.KindUnauthenticated {
		t.Fatalf("revoked token authenticated: %v", err)
	}
	if err := svc.Revoke(ctx, auth.System, "nope"); custos.KindOf(err) != custos.KindNotFound {
		t.Fatalf("revoke unknown = %v", err)
	}
	// create + one revoke: two events; the repeated revoke is not audited again.
	mustVerify(t, s, signer, 2)
	leaves, err := s.ReadLeaves(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(leaves[0].Data, []byte(secret)) {
		t.Fatal("the audit event holds the token secret")
	}
}

func testTokenConflictWritesNothing(t *testing.T, open Opener) {
	ctx := context.Background()
	signer := NewSigner(t)
	s := mustOpen(t, open, signer)
	tok := &auth.Token{ID: "t1", Role: auth.RoleAuditor, CreatedAt: time.Now()}
	if err := s.CreateToken(ctx, tok, auth.Hash("cst_a"), event("token.create")); err != nil {
		t.Fatal(err)
	}
	err := s.CreateToken(ctx, tok, auth.Hash("cst_b"), event("token.create"))
	if custos.KindOf(err) != custos.KindConflict {
		t.Fatalf("duplicate id: %v, want conflict", err)
	}
	// The failed change appended nothing: the event shares its transaction.
	mustVerify(t, s, signer, 1)
}

func testAuditAppendVerifyAndProve(t *testing.T, open Opener) {
	ctx := context.Background()
	signer := NewSigner(t)
	s := mustOpen(t, open, signer)
	var total int64
	for _, batch := range []int{1, 7, 300, 2, 1} {
		var evs []*auditlog.Event
		for range batch {
			evs = append(evs, event("test.append"))
		}
		cp, err := s.Append(ctx, evs...)
		if err != nil {
			t.Fatal(err)
		}
		total += int64(batch)
		if cp.Size != total {
			t.Fatalf("checkpoint size %d, want %d", cp.Size, total)
		}
	}
	rep := mustVerify(t, s, signer, total)
	latest, err := s.Latest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := auditlog.OpenCheckpoint(latest.Note, signer.Verifier())
	if err != nil || c.Size != total || c.Root != rep.Root {
		t.Fatalf("latest checkpoint %+v (%v), want size %d root %x", c, err, total, rep.Root)
	}
	hr := auditlog.HashReader(ctx, s)
	leaves, err := s.ReadLeaves(ctx, 0, int(total))
	if err != nil || int64(len(leaves)) != total {
		t.Fatalf("read %d leaves: %v", len(leaves), err)
	}
	for _, n := range []int64{0, 1, 8, 150, total - 1} {
		p, err := tlog.ProveRecord(total, n, hr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, total, c.Root, n, tlog.RecordHash(leaves[n].Data)); err != nil {
			t.Fatalf("inclusion of %d: %v", n, err)
		}
	}
	old, err := tlog.TreeHash(8, hr)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tlog.ProveTree(total, 8, hr)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(p, total, c.Root, 8, old); err != nil {
		t.Fatalf("consistency 8..%d: %v", total, err)
	}
}

func testAuditConcurrentAppends(t *testing.T, open Opener) {
	ctx := context.Background()
	signer := NewSigner(t)
	s := mustOpen(t, open, signer)
	const workers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := s.Append(ctx, event(fmt.Sprintf("test.w%d.%d", w, i))); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	mustVerify(t, s, signer, workers*each)
}

func testAuditSurvivesReopen(t *testing.T, open Opener) {
	ctx := context.Background()
	signer := NewSigner(t)
	s := mustOpen(t, open, signer)
	if _, err := s.Append(ctx, event("a"), event("b"), event("c")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, open, signer)
	if _, err := s.Append(ctx, event("d")); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s, signer, 4)
}

func testAuditKeyMismatch(t *testing.T, open Opener) {
	signer := NewSigner(t)
	s := mustOpen(t, open, signer)
	if _, err := s.Append(context.Background(), event("a")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := open(NewSigner(t))
	if custos.KindOf(err) != custos.KindConflict {
		t.Fatalf("open with another key: %v, want conflict", err)
	}
}

func mustOpen(t *testing.T, open Opener, signer *auditlog.Signer) Store {
	t.Helper()
	s, err := open(signer)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return s
}

// BenchAppend measures durable audit appends, batch events to a transaction, on a log that
// already holds prefill events; it reports events per second.
func BenchAppend(b *testing.B, open Opener, prefill, batch int) {
	ctx := context.Background()
	signer := NewSigner(b)
	s, err := open(signer)
	if err != nil {
		b.Fatal(err)
	}
	fill := func(n, batch int) {
		evs := make([]*auditlog.Event, batch)
		for n > 0 {
			k := min(n, batch)
			for i := range k {
				evs[i] = event("bench.append")
			}
			if _, err := s.Append(ctx, evs[:k]...); err != nil {
				b.Fatal(err)
			}
			n -= k
		}
	}
	// The log is filled in large transactions whatever batch is measured: only the rate at
	// that size is of interest, not the time to reach it.
	fill(prefill, 5000)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		fill(batch, batch)
	}
	b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "events/s")
}

// BenchAppendSizes runs BenchAppend on logs of 1k, 100k and 1M events (set
// CUSTOS_BENCH_SIZES=small to stop at 100k), one event per transaction and 1000 per
// transaction, so that the rate can be compared as the log grows.
func BenchAppendSizes(b *testing.B, engine Engine) {
	sizes := []int{1_000, 100_000, 1_000_000}
	if os.Getenv("CUSTOS_BENCH_SIZES") == "small" {
		sizes = sizes[:2]
	}
	for _, size := range sizes {
		for _, batch := range []int{1, 1000} {
			b.Run(fmt.Sprintf("log=%d/batch=%d", size, batch), func(b *testing.B) {
				BenchAppend(b, engine(b), size, batch)
			})
		}
	}
}
