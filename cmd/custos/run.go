package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"custos.dev/custos"
	"custos.dev/custos/app"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and found a problem (a broken log, an invalid policy)
	exitUsage = 2 // bad flags or arguments, or custos could not start
)

// Main is the program, with its environment made explicit so that tests run it in
// process exactly as the binary does.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr *os.File
	Getenv func(string) string
	// Ready, if set, is told the address serve listens on.
	Ready func(addr string)
}

// NewMain returns a Main on the process's own streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

const usage = `custos makes a privacy statement run.

Usage:
  custos serve            [flags]   run the HTTP API and background jobs
  custos migrate          [flags]   apply database migrations and exit
  custos token create     --role ROLE [--tenant ID] [--label TEXT] [flags]
  custos token list       [flags]
  custos token revoke ID  [flags]
  custos policy check     [FILE]    validate a statement-as-code document (default: embedded)
  custos audit verify     [--verifier-key KEY] [flags]
  custos vault rotate-kek [--retire] [flags]   rotate the vault's key-encryption key (servers stopped)
  custos scan             [--json] [--redact=mask|tag|token] [FILE...]
  custos retention plan   [--until DATE] [--limit N] [--json] [flags]   what will be deleted or anonymised, when, why
  custos retention sweep  [--batch N] [flags]                           delete or anonymise what is due now
  custos version

Common flags (also CUSTOS_* variables and a --config YAML file; flags win):
  --addr HOST:PORT   listen address (CUSTOS_ADDR, default 127.0.0.1:8080)
  --data DIR         data folder for SQLite and the audit key (CUSTOS_DATA, default ./custos-data)
  --db URL           PostgreSQL instead of SQLite (CUSTOS_DB)
  --audit-key FILE   audit signing key (CUSTOS_AUDIT_KEY, default DIR/audit-signing.key)
  --policy FILE      statement-as-code file (CUSTOS_POLICY, default embedded)
  --retention-interval D  how often serve sweeps expired data (CUSTOS_RETENTION_INTERVAL, default 1m; 0: never)
  --config FILE      YAML config file (CUSTOS_CONFIG)
`

// Run runs one command line and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return m.serve(ctx, rest)
	case "migrate":
		return m.migrate(ctx, rest)
	case "token":
		return m.token(ctx, rest)
	case "policy":
		return m.policy(rest)
	case "audit":
		return m.audit(ctx, rest)
	case "vault":
		return m.vault(ctx, rest)
	case "scan":
		return m.scan(ctx, rest)
	case "retention":
		return m.retention(ctx, rest)
	case "version":
		fmt.Fprintln(m.Stdout, "custos", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return exitOK
	}
	fmt.Fprintf(m.Stderr, "custos: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

var version = "dev"

// configFlags binds the common flags to fs; load applies file, environment and then the
// flags that were given, in that order, over the defaults.
type configFlags struct {
	fs     *flag.FlagSet
	config string
}

func newFlags(m *Main, name string) *configFlags {
	fs := flag.NewFlagSet("custos "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	cf := &configFlags{fs: fs}
	fs.StringVar(&cf.config, "config", "", "YAML config file")
	for _, st := range app.Settings {
		fs.String(st.Flag, "", st.Help)
	}
	return cf
}

func (cf *configFlags) load(m *Main) (app.Config, error) {
	cfg := app.DefaultConfig()
	path := cf.config
	if path == "" {
		path = m.Getenv("CUSTOS_CONFIG")
	}
	if path != "" {
		if err := cfg.LoadFile(path); err != nil {
			return cfg, err
		}
	}
	if err := cfg.LoadEnv(m.Getenv); err != nil {
		return cfg, err
	}
	var err error
	cf.fs.Visit(func(f *flag.Flag) {
		for _, st := range app.Settings {
			if st.Flag == f.Name && err == nil {
				err = st.Set(&cfg, f.Value.String(), "--"+f.Name)
			}
		}
	})
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// open loads the config and opens the app.
func (m *Main) open(ctx context.Context, cf *configFlags, keys app.KeyMode) (*app.App, error) {
	cfg, err := cf.load(m)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg, app.NewLogger(cfg, m.Stderr), keys)
}

// fail prints err for a person: the public message and field of custos errors, the whole
// error otherwise (errors from opening files and databases carry no PI).
func (m *Main) fail(err error) {
	var ce *custos.Error
	if errors.As(err, &ce) {
		msg := ce.Message
		if ce.Field != "" {
			msg = ce.Field + ": " + msg
		}
		if ce.Kind == custos.KindInternal && ce.Cause != nil {
			msg += ": " + ce.Cause.Error()
		}
		fmt.Fprintln(m.Stderr, "custos:", msg)
		return
	}
	fmt.Fprintln(m.Stderr, "custos:", strings.TrimSpace(err.Error()))
}

func (m *Main) serve(ctx context.Context, args []string) int {
	cf := newFlags(m, "serve")
	if err := cf.fs.Parse(args); err != nil {
		return exitUsage
	}
	a, err := m.open(ctx, cf, app.KeyCreate)
	if err != nil {
		m.fail(err)
		return exitUsage
	}
	defer a.Close()
	if err := a.Serve(ctx, m.Ready); err != nil {
		m.fail(err)
		return exitFail
	}
	return exitOK
}

func (m *Main) migrate(ctx context.Context, args []string) int {
	cf := newFlags(m, "migrate")
	if err := cf.fs.Parse(args); err != nil {
		return exitUsage
	}
	a, err := m.open(ctx, cf, app.KeyCreate) // opening applies the migrations
	if err != nil {
		m.fail(err)
		return exitFail
	}
	defer a.Close()
	fmt.Fprintln(m.Stdout, "migrations applied")
	return exitOK
}
