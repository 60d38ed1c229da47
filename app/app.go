package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"golang.org/x/mod/sumdb/note"

	"custos.dev/custos"
	"custos.dev/custos/access"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
	"custos.dev/custos/dsr"
	"custos.dev/custos/httpapi"
	"custos.dev/custos/jobs"
	"custos.dev/custos/mail"
	"custos.dev/custos/policy"
	"custos.dev/custos/retention"
	"custos.dev/custos/store/postgres"
	"custos.dev/custos/store/sqldb"
	"custos.dev/custos/store/sqlite"
	"custos.dev/custos/subject"
	"custos.dev/custos/vault"
)

// Store is every store interface custos needs, on one engine.
type Store interface {
	auth.Store
	auditlog.Store
	subject.Store
	consent.Store
	access.Store
	retention.Store
	Ping(ctx context.Context) error
	VerifierKey(ctx context.Context) (string, error)
	Close() error
}

// App is a wired custos.
type App struct {
	Config Config
	Log    *slog.Logger
	Store  Store
	Signer *auditlog.Signer
	Policy *policy.Engine
	// PolicyDocument is the statement-as-code text in force.
	PolicyDocument []byte
	Auth           *auth.Service
	Subjects       *subject.Service
	// Access is supervised access to customer data (nil without the vault's keys).
	Access *access.Service
	// Retention is the lifecycle and the retention sweep; nil without the vault's keys.
	Retention *retention.Service
	Registry  *prometheus.Registry
	// Mail delivers the outbox; its Sender is nil without --smtp (mail stays queued).
	Mail *mail.Outbox
	// Requests runs subject requests (nil without the vault's keys).
	Requests *dsr.Service

	keyStore subject.KeyStore
	db       *sqldb.DB
	newJobs  func(jobs.Services, jobs.Config) (jobs.Runner, error)
	pollOnly bool
}

// NewLogger returns the structured logger the config asks for, on w.
func NewLogger(cfg Config, w *os.File) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// KeyMode says what Open does when the audit signing key file is missing.
type KeyMode int

const (
	KeyCreate   KeyMode = iota // generate it (serve, migrate, token)
	KeyOptional                // go on without a signer: the app can read and verify, not append
)

// Open validates cfg, loads the policy and the audit key, and opens the store (applying
// migrations).
func Open(ctx context.Context, cfg Config, log *slog.Logger, keys KeyMode) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	doc, eng, err := LoadPolicy(cfg.Policy)
	if err != nil {
		return nil, err
	}
	signer, err := LoadSigner(cfg.AuditKeyPath(), cfg.AuditOrigin, keys == KeyCreate)
	if errors.Is(err, fs.ErrNotExist) && keys == KeyOptional {
		signer, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	kek, tokens, err := LoadVault(cfg.VaultKEKPath(), cfg.VaultTokenKeyPath(), keys == KeyCreate)
	if err != nil && !(errors.Is(err, fs.ErrNotExist) && keys == KeyOptional) {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Signer: signer, Policy: eng, PolicyDocument: doc, Registry: prometheus.NewRegistry()}
	var keyStore subject.KeyStore
	if cfg.DB != "" {
		s, err := postgres.Open(ctx, cfg.DB, signer)
		if err != nil {
			return nil, err
		}
		a.Store, keyStore, a.db = s, s.Keys, s.DB
		a.newJobs = func(svc jobs.Services, jc jobs.Config) (jobs.Runner, error) {
			return jobs.New(riverpgxv5.New(s.Pool), svc, jc)
		}
	} else {
		s, err := sqlite.Open(ctx, cfg.Data, signer)
		if err != nil {
			return nil, err
		}
		a.Store, keyStore, a.db = s, s.Keys, s.DB
		a.pollOnly = true
		a.newJobs = func(svc jobs.Services, jc jobs.Config) (jobs.Runner, error) {
			return jobs.New(riversqlite.New(s.River), svc, jc)
		}
	}
	a.Auth = auth.NewService(a.Store)
	a.keyStore = keyStore
	if kek != nil {
		a.Subjects = &subject.Service{Store: a.Store, Keys: keyStore, Consents: a.Store, KEK: kek, Tokens: tokens,
			Cache: vault.NewKeyCache(10000), Policy: eng, Region: cfg.Region}
		a.Access = access.New(a.Store, eng, a.Subjects, log)
		a.Subjects.Grants = a.Access
		if kd, ok := keyStore.(retention.KeyDestroyer); ok {
			a.Retention = &retention.Service{Store: a.Store, Vault: a.Subjects, Keys: kd, Policy: eng, Log: log}
			a.Subjects.Held = a.Retention.Held
		}
		if err := a.openMail(ctx, kek); err != nil {
			a.Close()
			return nil, err
		}
		if err := a.openRequests(); err != nil {
			a.Close()
			return nil, err
		}
	}
	return a, nil
}

// mailKeyID names the data key that seals queued mail, in the key store beside the
// subjects' keys (so KEK rotation re-wraps it too).
const mailKeyID = "system:mail-outbox"

// openMail loads (or makes, once, even with several instances racing) the outbox's data
// key and the SMTP sender.
func (a *App) openMail(ctx context.Context, kek *vault.KEK) error {
	wrapped, err := a.keyStore.Key(ctx, mailKeyID)
	if custos.KindOf(err) == custos.KindNotFound {
		var dk *vault.DataKey
		wrapped, dk, err = kek.NewDataKey(mailKeyID)
		if err != nil {
			return fmt.Errorf("mail key: %w", err)
		}
		dk.Destroy()
		if err = a.keyStore.PutKey(ctx, mailKeyID, wrapped); custos.KindOf(err) == custos.KindConflict {
			wrapped, err = a.keyStore.Key(ctx, mailKeyID)
		}
	}
	if err != nil {
		return fmt.Errorf("mail key: %w", err)
	}
	dk, err := kek.Unwrap(mailKeyID, wrapped)
	if err != nil {
		return fmt.Errorf("mail key: %w", err)
	}
	a.db.Mail = dk
	a.Mail = &mail.Outbox{Store: a.db, Sealer: dk, Log: a.Log}
	if a.Config.SMTP != "" {
		s, err := mail.NewSMTP(a.Config.SMTP, a.Config.MailFrom)
		if err != nil {
			return err
		}
		a.Mail.Sender = s
	}
	return nil
}

// EnqueueMail queues messages on their own (domain changes queue theirs in their own
// transaction with sqldb's EnqueueMailTx).
func (a *App) EnqueueMail(ctx context.Context, msgs ...mail.Message) error {
	if a.db == nil || a.db.Mail == nil {
		return custos.Errorf(custos.KindUnavailable, "mail is not configured")
	}
	return a.db.EnqueueMail(ctx, msgs...)
}

// MailStatus reads one queued message's state by its outbox id (mail.ID).
func (a *App) MailStatus(ctx context.Context, id string) (sqldb.MailStatus, error) {
	return a.db.MailStatusOf(ctx, id)
}

// DeliverMail runs one pass of the outbox and says how many messages went out.
func (a *App) DeliverMail(ctx context.Context) (int, error) {
	if a.Mail == nil {
		return 0, custos.Errorf(custos.KindUnavailable, "mail is not configured")
	}
	return a.Mail.Deliver(ctx)
}

// LoadPolicy reads and compiles the statement-as-code file, or the embedded default.
func LoadPolicy(path string) ([]byte, *policy.Engine, error) {
	if path == "" {
		return policy.DefaultDocument(), policy.Default(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("policy: %w", err)
	}
	doc, err := policy.Parse(path, data)
	if err != nil {
		return nil, nil, err
	}
	eng, err := policy.Compile(doc)
	if err != nil {
		return nil, nil, err
	}
	return data, eng, nil
}

// VerifyAudit re-verifies the whole audit log against the signer's key.
func (a *App) VerifyAudit(ctx context.Context) (auditlog.Report, error) {
	return auditlog.Verify(ctx, a.Store, a.Signer.Verifier())
}

// VerifyAuditWith re-verifies the whole audit log against a verifier key given as text
// (name+hash+base64), as an auditor holding the published key would.
func (a *App) VerifyAuditWith(ctx context.Context, vkey string) (auditlog.Report, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return auditlog.Report{}, custos.FieldError(custos.KindInvalid, "verifier-key", "not a note verifier key (name+hash+base64)")
	}
	return auditlog.Verify(ctx, a.Store, v)
}

// Handler is the HTTP API.
func (a *App) Handler() http.Handler {
	return httpapi.New(httpapi.Deps{
		Auth: a.Auth, Audit: a.Store, Signer: a.Signer, Policy: a.Policy, Subjects: a.Subjects, Access: a.Access, Retention: a.Retention,
		Requests: a.Requests, PolicyDocument: a.PolicyDocument, Ping: a.Store.Ping, Logger: a.Log, Registry: a.Registry,
	})
}

// Serve runs the HTTP server and the background jobs until ctx ends, then shuts down
// gracefully. ready, if not nil, receives the listening address.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	verified := prometheus.NewGauge(prometheus.GaugeOpts{Name: "custos_audit_verified_size", Help: "Events in the audit log at its last successful verification."})
	failures := prometheus.NewCounter(prometheus.CounterOpts{Name: "custos_audit_verify_failures_total", Help: "Audit log verifications that found the log broken."})
	a.Registry.MustRegister(verified, failures)
	svc := jobs.Services{AuditVerify: func(ctx context.Context) error {
		rep, err := a.VerifyAudit(ctx)
		var f *auditlog.Failure
		if errors.As(err, &f) {
			failures.Inc()
			a.Log.ErrorContext(ctx, "audit log verification failed", "first_bad_index", f.Index, "reason", f.Reason)
			return nil // a broken log is reported, not retried
		}
		if err != nil {
			return err
		}
		verified.Set(float64(rep.Size))
		a.Log.InfoContext(ctx, "audit log verified", "size", rep.Size, "checkpoints", rep.Checkpoints)
		return nil
	}}
	if a.Retention != nil {
		svc.RetentionSweep = func(ctx context.Context) error {
			_, err := a.Retention.Sweep(ctx)
			return err
		}
	}
	if a.Mail != nil && a.Mail.Sender != nil {
		svc.DeliverMail = func(ctx context.Context) error { _, err := a.Mail.Deliver(ctx); return err }
	}
	if a.Access != nil {
		svc.AccessSweep = func(ctx context.Context) error { _, err := a.Access.Sweep(ctx); return err }
		// Every instance keeps its own index of active grants for decisions fresh.
		a.Access.Watch(ctx, a.Config.AccessRefreshInterval)
	}
	if a.Requests != nil {
		svc.DSRSweep = a.SweepRequests
	}
	runner, err := a.newJobs(svc, jobs.Config{AuditVerifyInterval: a.Config.AuditVerifyInterval,
		RetentionInterval: a.Config.RetentionInterval, MailInterval: a.Config.MailInterval,
		AccessSweepInterval: a.Config.AccessSweepInterval, DSRInterval: a.Config.DSRInterval, PollOnly: a.pollOnly, Logger: a.Log})
	if err != nil {
		return err
	}
	if a.Requests != nil && a.Config.DSRInterval > 0 {
		a.Requests.Kick = func(ctx context.Context) {
			if err := runner.EnqueueDSRSweep(context.WithoutCancel(ctx)); err != nil {
				a.Log.WarnContext(ctx, "could not queue a subject request sweep; the periodic one will run", "err", err)
			}
		}
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	if err := runner.Start(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("start jobs: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Log.Info("custos serving", "addr", ln.Addr().String(), "engine", a.engineName(), "audit_key", a.Signer.VerifierKey())
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	serr := srv.Shutdown(shutdown)
	jerr := runner.Stop(shutdown)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, serr, jerr)
}

func (a *App) engineName() string {
	if a.Config.DB != "" {
		return "postgres"
	}
	return "sqlite"
}

// Close releases the store.
func (a *App) Close() error {
	if a.Store == nil {
		return nil
	}
	return a.Store.Close()
}
