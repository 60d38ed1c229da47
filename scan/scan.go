// Package scan is the logic of `custos scan`: find or redact PI in files
// or standard input with package pii (R-SUP-4, R-AGENT-1, R-PAY-1).
//
// It reports where PI is — never the value itself unless the operator
// asks with --show-values — and its error messages never contain PI: a
// message that would (a file named after a phone number) is redacted
// before it is printed.
package scan

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"custos.dev/custos/pii"
)

// Exit codes.
const (
	ExitClean = 0 // nothing found
	ExitFound = 1 // something found
	ExitError = 2 // usage or I/O error
)

// EnvTokenKey names the environment variable holding the --redact=token
// key when --token-key-file is not given.
const EnvTokenKey = "CUSTOS_SCAN_TOKEN_KEY"

// Config is the parsed command line.
type Config struct {
	JSON          bool
	Redact        string // "", "mask", "tag" or "token"
	ShowValues    bool
	TokenKeyFile  string
	Types         []pii.Type
	MinConfidence float64
	Workers       int
	Progress      string // "auto", "always" or "never"
	Files         []string
}

const usage = `usage: custos scan [--json] [--redact=mask|tag|token] [--show-values] [FILE...]

Finds personal information (ID numbers, mobiles, cards, security codes,
credit codes, passports, e-mail and IP addresses) in FILEs or standard
input. Exit status: 0 nothing found, 1 found, 2 error.

`

// ParseFlags parses args (without the program and command names).
func ParseFlags(args []string, stderr io.Writer) (Config, error) {
	cfg := Config{Workers: runtime.GOMAXPROCS(0), Progress: "auto"}
	fs := flag.NewFlagSet("custos scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.BoolVar(&cfg.JSON, "json", false, "print one JSON object per finding per line")
	fs.StringVar(&cfg.Redact, "redact", "", "write the input redacted: mask (138****8000), tag ([cn_mobile]) or token (keyed HMAC)")
	fs.BoolVar(&cfg.ShowValues, "show-values", false, "include the found values in the report")
	fs.StringVar(&cfg.TokenKeyFile, "token-key-file", "", "file holding the key for --redact=token (else $"+EnvTokenKey+")")
	types := fs.String("types", "", "comma-separated types to look for (default all)")
	fs.Float64Var(&cfg.MinConfidence, "min-confidence", 0, "drop findings below this confidence (0–1)")
	fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "goroutines scanning each chunk")
	fs.StringVar(&cfg.Progress, "progress", "auto", "progress bar on standard error: auto (when a terminal), always, never")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	cfg.Files = fs.Args()
	switch cfg.Redact {
	case "", "mask", "tag", "token":
	default:
		return cfg, errors.New("--redact must be mask, tag or token")
	}
	if cfg.Redact != "" && cfg.JSON {
		return cfg, errors.New("--redact and --json exclude each other")
	}
	switch cfg.Progress {
	case "auto", "always", "never":
	default:
		return cfg, errors.New("--progress must be auto, always or never")
	}
	if cfg.MinConfidence < 0 || cfg.MinConfidence > 1 {
		return cfg, errors.New("--min-confidence must be between 0 and 1")
	}
	if *types != "" {
		for _, name := range strings.Split(*types, ",") {
			t, err := pii.ParseType(strings.TrimSpace(name))
			if err != nil {
				return cfg, fmt.Errorf("--types: unknown type (known: %s)", typeNames())
			}
			cfg.Types = append(cfg.Types, t)
		}
	}
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	return cfg, nil
}

func typeNames() string {
	var names []string
	for _, t := range pii.AllTypes() {
		names = append(names, t.String())
	}
	return strings.Join(names, ", ")
}

// Main runs `custos scan` and returns its exit status.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := ParseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitClean
	}
	if err != nil {
		fmt.Fprintf(stderr, "custos scan: %s\n", safe(err.Error()))
		return ExitError
	}
	mode, err := redactMode(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "custos scan: %s\n", safe(err.Error()))
		return ExitError
	}
	r := &run{cfg: cfg, mode: mode, stdin: stdin, stderr: stderr,
		scanner: pii.NewScanner(pii.Options{
			Types:         cfg.Types,
			MinConfidence: float32(cfg.MinConfidence),
			Workers:       cfg.Workers,
			ChunkSize:     8 << 20,
		}),
	}
	r.out = newOutput(stdout, cfg, mode)
	status := ExitClean
	files := cfg.Files
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, name := range files {
		found, err := r.file(ctx, name)
		if err != nil {
			fmt.Fprintf(stderr, "custos scan: %s\n", safe(err.Error()))
			status = ExitError
			continue
		}
		if found > 0 && status == ExitClean {
			status = ExitFound
		}
	}
	if err := r.out.flush(); err != nil {
		fmt.Fprintf(stderr, "custos scan: write output: %s\n", safe(err.Error()))
		return ExitError
	}
	return status
}

// redactMode builds the pii.Mode for --redact.
func redactMode(cfg Config) (pii.Mode, error) {
	switch cfg.Redact {
	case "mask":
		return pii.Mask, nil
	case "tag":
		return pii.Tag, nil
	case "token":
		var key []byte
		if cfg.TokenKeyFile != "" {
			b, err := os.ReadFile(cfg.TokenKeyFile)
			if err != nil {
				return nil, fmt.Errorf("read token key: %w", err)
			}
			key = bytes.TrimRight(b, "\r\n")
		} else {
			key = []byte(os.Getenv(EnvTokenKey))
		}
		if len(key) == 0 {
			return nil, errors.New("--redact=token needs --token-key-file or $" + EnvTokenKey)
		}
		m, err := pii.Token(key)
		if err != nil {
			return nil, fmt.Errorf("token key: must be at least %d bytes", pii.MinTokenKey)
		}
		return m, nil
	}
	return nil, nil
}

// safe redacts any PI from a message before it is printed: an error can
// quote a file name, and file names can be phone numbers.
func safe(msg string) string {
	b := []byte(msg)
	return string(pii.Redact(nil, b, pii.Tag, pii.Scan(b)))
}
