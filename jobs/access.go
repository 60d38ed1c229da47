package jobs

import (
	"github.com/riverqueue/river"
)

// AccessSweepArgs asks for one sweep of supervised access: pending requests past their
// time expire, grants past their end or whose approver lost the role end, and the customer
// is told (R-RES-2, R-SUP-1). Queued by hand it is unique while pending or running; the
// periodic one is unique per period (see every). Reads were already refused by then, the
// sweep makes the end official; each end is version-checked, so two sweeps end a grant once.
type AccessSweepArgs struct{}

func (AccessSweepArgs) Kind() string { return "access_sweep" }

func (AccessSweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByState: pendingStates}}
}

// addAccessSweep registers the sweep's worker and, with an interval, its periodic job.
func addAccessSweep(workers *river.Workers, periodic []*river.PeriodicJob, svc Services, cfg Config) ([]*river.PeriodicJob, error) {
	if svc.AccessSweep == nil {
		return periodic, nil
	}
	if err := river.AddWorkerSafely(workers, &funcWorker[AccessSweepArgs]{fn: svc.AccessSweep}); err != nil {
		return nil, err
	}
	if cfg.AccessSweepInterval > 0 {
		periodic = append(periodic, every(cfg.AccessSweepInterval, AccessSweepArgs{}, 3))
	}
	return periodic, nil
}
