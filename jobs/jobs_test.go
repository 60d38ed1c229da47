package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"

	"custos.dev/custos/jobs"
	"custos.dev/custos/store/sqlite"
	"custos.dev/custos/store/storetest"
)

// A job queued before a restart runs after it: the queue lives in the database, not in
// the process.
func TestJobSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	signer := storetest.NewSigner(t)

	// First life: queue the job, stop before any worker takes it.
	s1, err := sqlite.Open(ctx, dir, signer)
	if err != nil {
		t.Fatal(err)
	}
	var ranFirst atomic.Int32
	r1, err := jobs.New(riversqlite.New(s1.River), jobs.Services{AuditVerify: func(context.Context) error {
		ranFirst.Add(1)
		return nil
	}}, jobs.Config{PollOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := r1.EnqueueAuditVerify(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r1.EnqueueAuditVerify(ctx); err != nil { // unique while pending
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if ranFirst.Load() != 0 {
		t.Fatal("a client that was never started ran the job")
	}

	// Second life: a new process's client finds and runs it, once.
	s2, err := sqlite.Open(ctx, dir, signer)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	ran := make(chan struct{}, 4)
	r2, err := jobs.New(riversqlite.New(s2.River), jobs.Services{AuditVerify: func(context.Context) error {
		ran <- struct{}{}
		return nil
	}}, jobs.Config{PollOnly: true, FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r2.Stop(ctx)
	select {
	case <-ran:
	case <-time.After(20 * time.Second):
		t.Fatal("the job queued before the restart did not run")
	}
	select {
	case <-ran:
		t.Fatal("the unique job ran twice")
	case <-time.After(500 * time.Millisecond):
	}
}

// R-RET-3: the retention sweep is a periodic job: it runs at start and then every interval.
func TestRetentionSweepIsPeriodic(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir(), storetest.NewSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ran := make(chan time.Time, 16)
	r, err := jobs.New(riversqlite.New(s.River), jobs.Services{
		AuditVerify:    func(context.Context) error { return nil },
		RetentionSweep: func(context.Context) error { ran <- time.Now(); return nil },
	}, jobs.Config{PollOnly: true, FetchPollInterval: 50 * time.Millisecond, RetentionInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(ctx)
	var times []time.Time
	deadline := time.After(30 * time.Second)
	for len(times) < 2 {
		select {
		case at := <-ran:
			times = append(times, at)
		case <-deadline:
			t.Fatalf("the sweep ran %d times in 30s, want at start and again after the interval", len(times))
		}
	}
}
