package jobs

import (
	"context"

	"github.com/riverqueue/river"
)

// RetentionSweepArgs asks for one retention sweep (periodic: see every). The sweep is
// idempotent and safe beside another (every change is conditional), so an overlap costs
// time, never correctness.
type RetentionSweepArgs struct{}

func (RetentionSweepArgs) Kind() string { return "retention_sweep" }

type retentionSweepWorker struct {
	river.WorkerDefaults[RetentionSweepArgs]
	sweep func(ctx context.Context) error
}

func (w *retentionSweepWorker) Work(ctx context.Context, _ *river.Job[RetentionSweepArgs]) error {
	return w.sweep(ctx)
}
