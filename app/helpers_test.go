package app_test

import (
	"context"
	"log/slog"
	"testing"

	"custos.dev/custos/app"
	"custos.dev/custos/internal/mailpittest"
	"custos.dev/custos/store/postgres/pgtest"
)

// openMailApp opens the whole app on engine ("sqlite" or "postgres") in the data folder,
// sending mail through mp; edit, if not nil, changes the config first. The app is closed
// when the test ends (closing it earlier is fine). It returns the config used, for a restart.
func openMailApp(t *testing.T, engine, data string, mp *mailpittest.Server, edit func(*app.Config)) (*app.App, app.Config) {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.Data = data
	if engine == "postgres" {
		cfg.DB = pgtest.Schema(t)
	}
	cfg.SMTP, cfg.MailFrom = mp.SMTPAddr, "privacy@custos.test"
	if edit != nil {
		edit(&cfg)
	}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.DiscardHandler), app.KeyCreate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, cfg
}
