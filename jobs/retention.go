package jobs

// RetentionSweepArgs asks for one retention sweep (periodic: see every). The sweep is
// idempotent and safe beside another (every change is conditional), so an overlap costs
// time, never correctness.
type RetentionSweepArgs struct{}

func (RetentionSweepArgs) Kind() string { return "retention_sweep" }
