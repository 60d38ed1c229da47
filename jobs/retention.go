package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// RetentionSweepArgs asks for one retention sweep. Periodic jobs are inserted by the river
// leader only, so each period's sweep is inserted and run once however many instances
// share the database; the job is also unique per period, so a leader that changes mid-
// period does not insert a second one.
//
// Uniqueness is per period, not "while running": a sweep killed with its process
// (kill -9) stays "running" until river rescues it, up to an hour later, and the sweep of
// the next period, after the restart, must not wait for that. The sweep is idempotent and
// safe beside another (every change is conditional), so an overlap costs time, never
// correctness.
type RetentionSweepArgs struct{}

func (RetentionSweepArgs) Kind() string { return "retention_sweep" }

func retentionSweepOpts(interval time.Duration) *river.InsertOpts {
	opts := &river.InsertOpts{MaxAttempts: 5}
	if interval >= time.Second {
		opts.UniqueOpts = river.UniqueOpts{ByPeriod: interval}
	}
	return opts
}

type retentionSweepWorker struct {
	river.WorkerDefaults[RetentionSweepArgs]
	sweep func(ctx context.Context) error
}

func (w *retentionSweepWorker) Work(ctx context.Context, _ *river.Job[RetentionSweepArgs]) error {
	return w.sweep(ctx)
}
