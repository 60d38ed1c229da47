// Package jobs is custos's background work, on river: durable, retried, unique and
// periodic jobs that survive restarts and run once even when several instances share a
// PostgreSQL database. The same workers run on SQLite through river's SQLite driver
// (one connection, poll-only, as its documentation asks).
//
// Workers here only call domain services; they never reach into a store themselves.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// Config says how jobs run. A zero interval schedules no periodic job, so tests can run
// work once by hand (RunOnce-style) without a goroutine ticking behind them.
type Config struct {
	// AuditVerifyInterval is how often the whole audit log is re-verified.
	AuditVerifyInterval time.Duration
	// RetentionInterval is how often the retention sweep runs (R-RET-3: "at once" means
	// within one interval).
	RetentionInterval time.Duration
	// MailInterval is how often queued mail is delivered (0: no periodic delivery).
	MailInterval time.Duration
	// AccessSweepInterval is how often access requests and grants that are due are moved on.
	AccessSweepInterval time.Duration
	// DSRInterval is how often subject requests are swept: fulfilment steps, reminders and
	// deletion instructions due (0: no periodic sweep).
	DSRInterval time.Duration
	// PollOnly avoids LISTEN/NOTIFY (required on SQLite).
	PollOnly bool
	// FetchPollInterval is how often an idle worker looks for jobs (default 1s).
	FetchPollInterval time.Duration
	// Workers is how many jobs run at once on this instance (default 2).
	Workers int
	Logger  *slog.Logger
}

// Runner is the queue as the rest of custos sees it, whatever the engine.
type Runner interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	// EnqueueAuditVerify asks for an audit verification now, unless one is pending.
	EnqueueAuditVerify(ctx context.Context) error
	// EnqueueDSRSweep asks for a sweep of subject requests now.
	EnqueueDSRSweep(ctx context.Context) error
}

// Services are the domain operations the workers call.
type Services struct {
	AuditVerify func(ctx context.Context) error
	// RetentionSweep deletes or anonymises what is due (package retention); nil schedules
	// no sweep.
	RetentionSweep func(ctx context.Context) error
	// DeliverMail runs one pass of the mail outbox; nil schedules no delivery.
	DeliverMail func(ctx context.Context) error
	// AccessSweep ends due access grants and expires due requests; nil schedules none.
	AccessSweep func(ctx context.Context) error
	// DSRSweep advances subject requests and delivers due deletion instructions; nil
	// schedules nothing.
	DSRSweep func(ctx context.Context) error
}

type client[TTx any] struct {
	c *river.Client[TTx]
}

// New builds a runner on a river driver (riversqlite or riverpgxv5).
func New[TTx any](driver riverdriver.Driver[TTx], svc Services, cfg Config) (Runner, error) {
	if svc.AuditVerify == nil {
		return nil, errors.New("jobs: AuditVerify service missing")
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &funcWorker[AuditVerifyArgs]{fn: svc.AuditVerify}); err != nil {
		return nil, err
	}
	if svc.RetentionSweep != nil {
		if err := river.AddWorkerSafely(workers, &funcWorker[RetentionSweepArgs]{fn: svc.RetentionSweep}); err != nil {
			return nil, err
		}
	}
	if svc.DeliverMail != nil {
		if err := river.AddWorkerSafely(workers, &funcWorker[MailDeliverArgs]{fn: svc.DeliverMail}); err != nil {
			return nil, err
		}
	}
	if svc.DSRSweep != nil {
		if err := river.AddWorkerSafely(workers, &funcWorker[DSRSweepArgs]{fn: svc.DSRSweep, timeout: 10 * time.Minute}); err != nil {
			return nil, err
		}
	}
	n := cfg.Workers
	if n <= 0 {
		n = 2
	}
	poll := cfg.FetchPollInterval
	if poll <= 0 {
		poll = time.Second
	}
	var periodic []*river.PeriodicJob
	if cfg.AuditVerifyInterval > 0 {
		periodic = append(periodic, every(cfg.AuditVerifyInterval, AuditVerifyArgs{}, 3))
	}
	if cfg.RetentionInterval > 0 && svc.RetentionSweep != nil {
		periodic = append(periodic, every(cfg.RetentionInterval, RetentionSweepArgs{}, 5))
	}
	if cfg.MailInterval > 0 && svc.DeliverMail != nil {
		periodic = append(periodic, every(cfg.MailInterval, MailDeliverArgs{}, 1))
	}
	periodic, err := addAccessSweep(workers, periodic, svc, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.DSRInterval > 0 && svc.DSRSweep != nil {
		periodic = append(periodic, every(cfg.DSRInterval, DSRSweepArgs{}, 1))
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	c, err := river.NewClient(driver, &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}},
		Workers:           workers,
		PeriodicJobs:      periodic,
		PollOnly:          cfg.PollOnly,
		FetchPollInterval: poll,
		FetchCooldown:     min(poll, 100*time.Millisecond),
		JobTimeout:        time.Hour,
		Logger:            logger,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &client[TTx]{c: c}, nil
}

func (c *client[TTx]) Start(ctx context.Context) error { return c.c.Start(ctx) }
func (c *client[TTx]) Stop(ctx context.Context) error  { return c.c.Stop(ctx) }

func (c *client[TTx]) EnqueueDSRSweep(ctx context.Context) error {
	_, err := c.c.Insert(ctx, DSRSweepArgs{}, nil)
	return err
}

func (c *client[TTx]) EnqueueAuditVerify(ctx context.Context) error {
	_, err := c.c.Insert(ctx, AuditVerifyArgs{}, nil)
	return err
}

// every is the periodic job of args, run at start and then each interval. Periodic jobs
// are inserted by the river leader only, and each is unique per period (when the interval
// allows it: river's periods are whole seconds), so a leader that changes mid-period does
// not insert a second one however many instances share the database.
//
// Uniqueness is per period, not "while running": a job killed with its process (kill -9)
// stays "running" until river rescues it, up to JobTimeout later, and the next period's
// job, after the restart or on another instance, must not wait for that. Every periodic
// job here is idempotent and safe beside another run of itself, so an overlap costs time,
// never correctness. (An args type's own InsertOpts still govern jobs queued by hand.)
func every(interval time.Duration, args river.JobArgs, maxAttempts int) *river.PeriodicJob {
	opts := &river.InsertOpts{MaxAttempts: maxAttempts}
	if interval >= time.Second {
		opts.UniqueOpts = river.UniqueOpts{ByPeriod: interval}
	}
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args, opts },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// AuditVerifyArgs asks for a full verification of the audit log. It is unique while
// pending: asking twice before it runs queues it once.
type AuditVerifyArgs struct{}

func (AuditVerifyArgs) Kind() string { return "audit_verify" }

func (AuditVerifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByState: pendingStates}}
}

// funcWorker runs a job by calling fn, a pass of some service that takes no
// arguments; timeout, when set, replaces the client's job timeout.
type funcWorker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	fn      func(ctx context.Context) error
	timeout time.Duration
}

func (w *funcWorker[T]) Work(ctx context.Context, _ *river.Job[T]) error { return w.fn(ctx) }

func (w *funcWorker[T]) Timeout(*river.Job[T]) time.Duration { return w.timeout }

// pendingStates makes a job unique while it waits or runs (river requires at least these
// states in ByState).
var pendingStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

// MailDeliverArgs asks for one pass of the mail outbox (periodic: see every). Two passes at
// once are safe: each message is claimed by a compare-and-set before it is sent.
type MailDeliverArgs struct{}

func (MailDeliverArgs) Kind() string { return "mail_deliver" }

func (MailDeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: pendingStates}}
}

// DSRSweepArgs asks for one sweep of subject requests. Queued by hand (after a
// verification, say) it is deliberately not unique, and the periodic one is unique only per
// period (see every): a job left "running" by a killed process must not block later sweeps,
// and the sweep is safe to run twice at once (every step is guarded by a version, every
// delivery claimed first), so a restarted server resumes at once.
type DSRSweepArgs struct{}

func (DSRSweepArgs) Kind() string { return "dsr_sweep" }

func (DSRSweepArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }
