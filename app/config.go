// Package app wires custos together: configuration → stores → services → servers. It is
// the only package besides cmd/custos that knows every other one, and it holds no logic of
// its own beyond that wiring.
package app

import (
	"fmt"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"custos.dev/custos"
)

// Config is everything custos can be told. Precedence: flags, then CUSTOS_* environment
// variables, then the config file, then DefaultConfig.
type Config struct {
	// Addr is where the HTTP server listens.
	Addr string `yaml:"addr"`
	// Data is the data folder: the SQLite database and, unless AuditKey says otherwise,
	// the audit signing key.
	Data string `yaml:"data"`
	// DB is a PostgreSQL connection string; empty means embedded SQLite in Data.
	DB string `yaml:"db"`
	// AuditKey is the file holding the audit log's Ed25519 note signing key; created on
	// first use if absent. Instances sharing a database must share it.
	AuditKey string `yaml:"audit_key"`
	// VaultKEK is the vault's key-encryption key (a tink keyset, JSON) and VaultTokenKey
	// the key of its lookup tokens; both made on first use if absent, both to be shared
	// by instances on one database and kept apart from its backups.
	VaultKEK      string `yaml:"vault_kek"`
	VaultTokenKey string `yaml:"vault_token_key"`
	// AuditOrigin names the log in its checkpoints.
	AuditOrigin string `yaml:"audit_origin"`
	// Policy is a statement-as-code file; empty means the embedded default.
	Policy string `yaml:"policy"`
	// Region is where this instance stores data (R-RES-1).
	Region string `yaml:"region"`
	// AuditVerifyInterval is how often the background job re-verifies the audit log
	// (0 turns it off).
	AuditVerifyInterval time.Duration `yaml:"audit_verify_interval"`
	// RetentionInterval is how often the retention sweep runs: expired data is deleted or
	// anonymised within one interval (R-RET-3). 0 turns the sweep off.
	RetentionInterval time.Duration `yaml:"retention_interval"`
	// SMTP is the mail server (HOST:PORT) custos sends through; empty queues mail without
	// sending it. MailFrom is the sender address, required with SMTP.
	SMTP     string `yaml:"smtp"`
	MailFrom string `yaml:"mail_from"`
	// MailInterval is how often queued mail is delivered (0 turns delivery off).
	MailInterval time.Duration `yaml:"mail_interval"`
	// OfficerEmail is the PI protection officer's address: reminders before subject
	// requests fall due, and new complaints (R-DSR-6, R-CON-1).
	OfficerEmail string `yaml:"officer_email"`
	// PublicURL is where subjects reach this server (download links in mail); default
	// http://ADDR.
	PublicURL string `yaml:"public_url"`
	// DSRInterval is how often subject requests are swept (0 turns the sweep off).
	DSRInterval time.Duration `yaml:"dsr_interval"`
	// WebhookRetryBase is the first wait before a failed deletion instruction is retried;
	// it doubles each time up to 6h (default 30s).
	WebhookRetryBase time.Duration `yaml:"webhook_retry_base"`
	// AccessSweepInterval is how often due access requests expire and due grants end, with
	// the customer told (0 turns the sweep off; reads are refused at the end regardless).
	AccessSweepInterval time.Duration `yaml:"access_sweep_interval"`
	// AccessRefreshInterval is how often each instance checks whether another changed the
	// active grants, for the in-memory index decisions read (0: only its own changes).
	AccessRefreshInterval time.Duration `yaml:"access_refresh_interval"`
	// LogLevel is debug, info, warn or error; LogFormat is json or text.
	LogLevel  string `yaml:"log_level"`
	LogFormat string `yaml:"log_format"`
}

// DefaultConfig is what custos runs with when told nothing.
func DefaultConfig() Config {
	return Config{
		Addr:                  "127.0.0.1:8080",
		Data:                  "custos-data",
		AuditOrigin:           "custos.local/audit",
		Region:                "cn-north",
		AuditVerifyInterval:   time.Hour,
		RetentionInterval:     time.Minute,
		MailInterval:          10 * time.Second,
		DSRInterval:           30 * time.Second,
		WebhookRetryBase:      30 * time.Second,
		AccessSweepInterval:   time.Minute,
		AccessRefreshInterval: 2 * time.Second,
		LogLevel:              "info",
		LogFormat:             "json",
	}
}

// AuditKeyPath is the signing key file in effect.
func (c *Config) AuditKeyPath() string {
	if c.AuditKey != "" {
		return c.AuditKey
	}
	return filepath.Join(c.Data, "audit-signing.key")
}

// VaultKEKPath is the key-encryption key file in effect.
func (c *Config) VaultKEKPath() string {
	if c.VaultKEK != "" {
		return c.VaultKEK
	}
	return filepath.Join(c.Data, "vault-kek.json")
}

// VaultTokenKeyPath is the lookup-token key file in effect.
func (c *Config) VaultTokenKeyPath() string {
	if c.VaultTokenKey != "" {
		return c.VaultTokenKey
	}
	return filepath.Join(c.Data, "vault-token.key")
}

// Validate checks the configuration; its errors name the setting at fault.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return custos.FieldError(custos.KindInvalid, "addr", "want HOST:PORT")
	}
	if c.Data == "" {
		return custos.FieldError(custos.KindInvalid, "data", "required")
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return custos.FieldError(custos.KindInvalid, "db", "want a postgres:// URL")
	}
	if c.AuditOrigin == "" || strings.ContainsAny(c.AuditOrigin, "+ \n") {
		return custos.FieldError(custos.KindInvalid, "audit_origin", "want a name without spaces or '+'")
	}
	if c.Region == "" {
		return custos.FieldError(custos.KindInvalid, "region", "required")
	}
	if c.AuditVerifyInterval < 0 {
		return custos.FieldError(custos.KindInvalid, "audit_verify_interval", "must not be negative")
	}
	if c.RetentionInterval < 0 {
		return custos.FieldError(custos.KindInvalid, "retention_interval", "must not be negative")
	}
	if c.SMTP != "" {
		if _, _, err := net.SplitHostPort(c.SMTP); err != nil {
			return custos.FieldError(custos.KindInvalid, "smtp", "want HOST:PORT")
		}
		if c.MailFrom == "" {
			return custos.FieldError(custos.KindInvalid, "mail_from", "required with smtp")
		}
	}
	if c.MailFrom != "" {
		if a, err := mail.ParseAddress(c.MailFrom); err != nil || a.Address != c.MailFrom {
			return custos.FieldError(custos.KindInvalid, "mail_from", "want a bare e-mail address")
		}
	}
	if c.AccessSweepInterval < 0 {
		return custos.FieldError(custos.KindInvalid, "access_sweep_interval", "must not be negative")
	}
	if c.AccessRefreshInterval < 0 {
		return custos.FieldError(custos.KindInvalid, "access_refresh_interval", "must not be negative")
	}
	if c.OfficerEmail != "" {
		if a, err := mail.ParseAddress(c.OfficerEmail); err != nil || a.Address != c.OfficerEmail {
			return custos.FieldError(custos.KindInvalid, "officer_email", "want a bare e-mail address")
		}
	}
	if c.PublicURL != "" && !strings.HasPrefix(c.PublicURL, "https://") && !strings.HasPrefix(c.PublicURL, "http://") {
		return custos.FieldError(custos.KindInvalid, "public_url", "want an http(s) URL")
	}
	if c.DSRInterval < 0 || c.WebhookRetryBase < 0 {
		return custos.FieldError(custos.KindInvalid, "dsr_interval", "must not be negative")
	}
	if c.MailInterval < 0 {
		return custos.FieldError(custos.KindInvalid, "mail_interval", "must not be negative")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return custos.FieldError(custos.KindInvalid, "log_level", "want debug, info, warn or error")
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return custos.FieldError(custos.KindInvalid, "log_format", "want json or text")
	}
	return nil
}

// LoadFile overlays the settings of a YAML config file on c; unknown keys are errors.
func (c *Config) LoadFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	if err := yaml.UnmarshalWithOptions(data, c, yaml.Strict()); err != nil {
		return fmt.Errorf("config file %s: %s", path, yaml.FormatError(err, false, true))
	}
	return nil
}

// Setting is one configuration setting: its YAML key, its environment variable and flag,
// what it is, and where it goes in a Config.
type Setting struct {
	Key, Env, Flag, Help string
	str                  func(*Config) *string
	dur                  func(*Config) *time.Duration
}

// Set parses v into the setting of c; field names the source in errors (the variable or
// the flag).
func (s Setting) Set(c *Config, v, field string) error {
	if s.str != nil {
		*s.str(c) = v
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return custos.FieldError(custos.KindInvalid, field, "want a duration such as 30s, 1m or 1h")
	}
	*s.dur(c) = d
	return nil
}

func setting(key, help string) Setting {
	return Setting{Key: key, Env: "CUSTOS_" + strings.ToUpper(key), Flag: strings.ReplaceAll(key, "_", "-"), Help: help}
}

func str(key, help string, f func(*Config) *string) Setting {
	s := setting(key, help)
	s.str = f
	return s
}

func dur(key, help string, f func(*Config) *time.Duration) Setting {
	s := setting(key, help)
	s.dur = f
	return s
}

// Settings lists every setting, in the order the help shows them.
var Settings = []Setting{
	str("addr", "listen address HOST:PORT", func(c *Config) *string { return &c.Addr }),
	str("data", "data folder", func(c *Config) *string { return &c.Data }),
	str("db", "PostgreSQL connection URL", func(c *Config) *string { return &c.DB }),
	str("audit_key", "audit signing key file", func(c *Config) *string { return &c.AuditKey }),
	str("vault_kek", "vault key-encryption key file", func(c *Config) *string { return &c.VaultKEK }),
	str("vault_token_key", "vault lookup-token key file", func(c *Config) *string { return &c.VaultTokenKey }),
	str("audit_origin", "audit log name in checkpoints", func(c *Config) *string { return &c.AuditOrigin }),
	str("policy", "statement-as-code file", func(c *Config) *string { return &c.Policy }),
	str("region", "storage region of this instance", func(c *Config) *string { return &c.Region }),
	dur("audit_verify_interval", "how often to re-verify the audit log (0: never)", func(c *Config) *time.Duration { return &c.AuditVerifyInterval }),
	dur("retention_interval", "how often the retention sweep runs (0: never)", func(c *Config) *time.Duration { return &c.RetentionInterval }),
	str("smtp", "SMTP server HOST:PORT for outgoing mail", func(c *Config) *string { return &c.SMTP }),
	str("mail_from", "sender address of outgoing mail", func(c *Config) *string { return &c.MailFrom }),
	dur("mail_interval", "how often queued mail is delivered (0: never)", func(c *Config) *time.Duration { return &c.MailInterval }),
	str("officer_email", "the PI protection officer's address (request reminders, complaints)", func(c *Config) *string { return &c.OfficerEmail }),
	str("public_url", "where subjects reach this server (download links), default http://ADDR", func(c *Config) *string { return &c.PublicURL }),
	dur("dsr_interval", "how often subject requests are swept (0: never)", func(c *Config) *time.Duration { return &c.DSRInterval }),
	dur("webhook_retry_base", "first wait before a failed deletion instruction is retried", func(c *Config) *time.Duration { return &c.WebhookRetryBase }),
	dur("access_sweep_interval", "how often due access grants end and requests expire (0: never)", func(c *Config) *time.Duration { return &c.AccessSweepInterval }),
	dur("access_refresh_interval", "how often to reload the grant index changed by other instances (0: never)", func(c *Config) *time.Duration { return &c.AccessRefreshInterval }),
	str("log_level", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }),
	str("log_format", "json or text", func(c *Config) *string { return &c.LogFormat }),
}

// LoadEnv overlays CUSTOS_* variables on c.
func (c *Config) LoadEnv(getenv func(string) string) error {
	for _, s := range Settings {
		if v := getenv(s.Env); v != "" {
			if err := s.Set(c, v, s.Env); err != nil {
				return err
			}
		}
	}
	return nil
}
