package app_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"custos.dev/custos/app"
	"custos.dev/custos/internal/mailpittest"
	"custos.dev/custos/mail"
)

// TestMailOutbox queues mail the way domain changes do, delivers it through a real SMTP
// server (mailpit) and checks what arrived, on both engines: bilingual text intact, one
// delivery per key, nothing of the message readable in the database, retries when the
// server is down.
func TestMailOutbox(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			mp := mailpittest.Start(t)
			a, cfg := openMailApp(t, engine, t.TempDir(), mp, nil)
			ctx := context.Background()
			const to = "zhang.wei.outbox@example.cn"
			msg := mail.Message{
				To:      []string{to},
				Subject: "您的请求已收到 / Your request was received",
				Text:    mail.Bilingual("您好,我们已收到您的个人信息请求。", "Hello, we have received your request."),
				Key:     "test/request-1/received",
			}
			if err := a.EnqueueMail(ctx, msg, msg); err != nil {
				t.Fatal(err)
			}
			if err := a.EnqueueMail(ctx, msg); err != nil { // the same key again: still one
				t.Fatal(err)
			}
			if engine == "sqlite" {
				assertNotInFiles(t, cfg.Data, to)
			}
			n, err := a.DeliverMail(ctx)
			if err != nil || n != 1 {
				t.Fatalf("DeliverMail = %d, %v; want 1 sent", n, err)
			}
			got := mp.WaitFor(t, to, 1)
			if len(got) != 1 {
				t.Fatalf("received %d messages, want 1", len(got))
			}
			m := got[0]
			if m.Subject != msg.Subject || !strings.Contains(m.Text, "我们已收到") || !strings.Contains(m.Text, "we have received") {
				t.Errorf("received subject %q text %q", m.Subject, m.Text)
			}
			if zh, en := strings.Index(m.Text, "您好"), strings.Index(m.Text, "Hello"); zh < 0 || en < zh {
				t.Errorf("Chinese must come first: %q", m.Text)
			}
			if m.MessageID != mail.MessageID(msg.Key, "custos.test") {
				t.Errorf("Message-ID %q, want the one derived from the key", m.MessageID)
			}
			if n, _ := a.DeliverMail(ctx); n != 0 {
				t.Errorf("second pass sent %d, want 0", n)
			}
			if engine == "sqlite" {
				assertNotInFiles(t, cfg.Data, to)
			}
		})
	}
}

// TestMailRetriesWhileServerDown: a message queued while the SMTP server is unreachable
// stays queued with a backoff and goes out once it is back.
func TestMailRetriesWhileServerDown(t *testing.T) {
	cfg := app.DefaultConfig()
	cfg.Data = t.TempDir()
	cfg.SMTP, cfg.MailFrom = "127.0.0.1:1", "privacy@custos.test" // nothing listens on port 1
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, slog.New(slog.DiscardHandler), app.KeyCreate)
	if err != nil {
		t.Fatal(err)
	}
	const to = "li.na.retry@example.cn"
	msg := mail.Message{To: []string{to}, Subject: "通知 / Notice", Text: mail.Bilingual("通知", "notice"), Key: "retry-1"}
	if err := a.EnqueueMail(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if n, err := a.DeliverMail(ctx); err != nil || n != 0 {
		t.Fatalf("DeliverMail with the server down = %d, %v", n, err)
	}
	st, err := a.MailStatus(ctx, mail.ID(msg))
	if err != nil {
		t.Fatal(err)
	}
	if st.Sent || st.Failed || st.Attempts != 1 || st.LastError == "" || strings.Contains(st.LastError, to) {
		t.Fatalf("after a failed attempt: %+v", st)
	}
	a.Close()

	// The server comes up; after the backoff the message goes out.
	mp := mailpittest.Start(t)
	cfg.SMTP = mp.SMTPAddr
	a, err = app.Open(ctx, cfg, slog.New(slog.DiscardHandler), app.KeyCreate)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if n, _ := a.DeliverMail(ctx); n != 0 {
		t.Fatalf("sent %d before the backoff ended", n)
	}
	a.Mail.Now = func() time.Time { return time.Now().Add(mail.Backoff(1) + time.Second) }
	if n, err := a.DeliverMail(ctx); err != nil || n != 1 {
		t.Fatalf("after the backoff: %d, %v", n, err)
	}
	mp.WaitFor(t, to, 1)
}

func TestMailValidate(t *testing.T) {
	for name, m := range map[string]mail.Message{
		"NoRecipient":     {Subject: "s", Text: "t"},
		"DisplayName":     {To: []string{"Zhang <z@example.cn>"}, Subject: "s", Text: "t"},
		"NotAnAddress":    {To: []string{"13800138000"}, Subject: "s", Text: "t"},
		"HeaderInjection": {To: []string{"z@example.cn"}, Subject: "s\r\nBcc: x@example.cn", Text: "t"},
		"NoText":          {To: []string{"z@example.cn"}, Subject: "s"},
	} {
		t.Run(name, func(t *testing.T) {
			err := m.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			for _, to := range m.To {
				if strings.Contains(err.Error(), to) {
					t.Errorf("error %q quotes the address", err)
				}
			}
		})
	}
}

func assertNotInFiles(t *testing.T, dir, needle string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(needle)) {
			t.Errorf("%s holds the address in clear", filepath.Base(p))
		}
		return nil
	})
}
