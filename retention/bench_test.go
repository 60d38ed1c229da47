package retention_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/retention"
	"custos.dev/custos/store/sqldb"
)

// timedStore records when each subject's erasure committed.
type timedStore struct {
	retention.Store
	start time.Time
	mu    sync.Mutex
	lat   []time.Duration
}

func (s *timedStore) FinishSubjects(ctx context.Context, subs []retention.DueSubject, at time.Time, evs []*auditlog.Event) (int, error) {
	n, err := s.Store.FinishSubjects(ctx, subs, at, evs)
	d := time.Since(s.start)
	s.mu.Lock()
	for range n {
		s.lat = append(s.lat, d)
	}
	s.mu.Unlock()
	return n, err
}

// fill inserts n cancelled subjects, each with one sealed record of registration data
// (P0D after cancellation) and a data key, in large transactions: the sweep sees what
// CreateSubject, PutRecord and CancelSubject would have left, without their cost.
func fill(b *testing.B, e *env, n int) {
	b.Helper()
	ctx := context.Background()
	tn := e.tenant("bench")
	since := sqldb.Micros(start.Add(-time.Hour))
	blob := make([]byte, 180)
	_, _ = rand.Read(blob)
	key := make([]byte, 150)
	_, _ = rand.Read(key)
	const per = 200
	ins := func(db *sqldb.DB, table string, width int, row func(i int) []any) {
		for lo := 0; lo < n; lo += per {
			hi := min(lo+per, n)
			tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
			q := "INSERT INTO " + table + " VALUES " + strings.TrimSuffix(strings.Repeat(tuple+", ", hi-lo), ", ")
			var args []any
			for i := lo; i < hi; i++ {
				args = append(args, row(i)...)
			}
			if _, err := db.W.ExecContext(ctx, db.Q(q), args...); err != nil {
				b.Fatalf("fill %s: %v", table, err)
			}
		}
	}
	id := func(i int) string { return fmt.Sprintf("sb_bench%010d", i) }
	ins(e.db, "subjects (id, tenant_id, kind, state, region, profile, created_at, state_since)", 8, func(i int) []any {
		return []any{id(i), tn, "end_user", "cancelled", "cn-north", blob[:60], since, since}
	})
	ins(e.db, "records (subject_id, category, region, sealed, created_at, updated_at)", 6, func(i int) []any {
		return []any{id(i), "registration_data", "cn-north", blob, since, since}
	})
	ins(e.keys.DB, "subject_keys (subject_id, wrapped, created_at)", 3, func(i int) []any {
		return []any{id(i), key, since}
	})
	// Statistics, as a database in use has them (PostgreSQL's autovacuum would take a while
	// to notice a bulk load).
	if _, err := e.db.W.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSweep sweeps BENCH_SUBJECTS (default 100,000) subjects whose retention ended at
// the same instant, as one periodic sweep finds them: each record deleted, each key
// destroyed, each subject erased, every change audited. It reports subjects/s and the
// time from expiry (the sweep's start) to each subject's erasure.
//
//	go test ./retention/ -run '^$' -bench Sweep -benchtime 1x -timeout 1h
func BenchmarkSweep(b *testing.B) {
	n := 100_000
	if v := os.Getenv("BENCH_SUBJECTS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for _, engine := range []string{"SQLite", "PostgreSQL"} {
		b.Run(engine, func(b *testing.B) {
			pg := engine == "PostgreSQL"
			if pg && os.Getenv("CUSTOS_TEST_POSTGRES") == "" {
				b.Skip("CUSTOS_TEST_POSTGRES is not set")
			}
			var all []time.Duration
			var total time.Duration
			for range b.N {
				b.StopTimer()
				e := newEnv(b, pg, nil)
				fill(b, e, n)
				ts := &timedStore{Store: e.db}
				e.ret.Store, e.ret.Batch = ts, 500
				b.StartTimer()
				ts.start = time.Now()
				rep, err := e.ret.Sweep(context.Background())
				d := time.Since(ts.start)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if rep.Deleted != n || rep.Erased != n {
					b.Fatalf("sweep = %+v, want %d deleted and erased", rep, n)
				}
				total += d
				all = append(all, ts.lat...)

			}
			slices.Sort(all)
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "subjects/s")
			b.ReportMetric(all[len(all)/2].Seconds(), "p50-expiry-to-erased-s")
			b.ReportMetric(all[len(all)-1].Seconds(), "max-expiry-to-erased-s")
		})
	}
}
