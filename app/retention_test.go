package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"custos.dev/custos/auth"
	"custos.dev/custos/internal/mailpittest"
	"custos.dev/custos/policy"
	"custos.dev/custos/retention"
	"custos.dev/custos/subject"
)

// R-RET-4: a declared service termination reaches each affected subject by e-mail,
// through the outbox and a real SMTP server: once, Chinese first, naming the service and
// the date; subjects of other tenants get nothing.
func TestTerminationNoticeMailed(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			mp := mailpittest.Start(t)
			a, _ := openMailApp(t, engine, t.TempDir(), mp, nil)
			ctx := context.Background()
			const to, bystander = "wang.fang.term@example.cn", "li.lei.other@example.cn"
			ended, err := a.Subjects.CreateTenant(ctx, auth.System, "ended")
			if err != nil {
				t.Fatal(err)
			}
			other, err := a.Subjects.CreateTenant(ctx, auth.System, "other")
			if err != nil {
				t.Fatal(err)
			}
			for tn, addr := range map[string]string{ended.ID: to, other.ID: bystander} {
				if _, err := a.Subjects.CreateSubject(ctx, auth.System, subject.NewSubject{TenantID: tn, Kind: subject.KindEndUser, Email: addr}); err != nil {
					t.Fatal(err)
				}
			}
			endsAt := time.Date(2031, 6, 30, 16, 0, 0, 0, time.UTC) // 2031-07-01 00:00 in Beijing
			if _, err := a.Retention.DeclareTermination(ctx, auth.System, retention.NewTermination{
				Service: policy.Text{ZH: "示例云存储", EN: "Example Cloud Storage"}, EndsAt: endsAt, TenantIDs: []string{ended.ID}}); err != nil {
				t.Fatal(err)
			}
			for range 2 { // the second sweep queues nothing more
				if _, err := a.Retention.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := a.DeliverMail(ctx); err != nil || n != 1 {
				t.Fatalf("DeliverMail = %d, %v; want 1", n, err)
			}
			got := mp.WaitFor(t, to, 1)
			m := got[0]
			if !strings.Contains(m.Subject, "服务终止公告") || !strings.Contains(m.Subject, "Service termination") {
				t.Errorf("subject %q", m.Subject)
			}
			zh, en := strings.Index(m.Text, "示例云存储将于2031年7月1日 00:00"), strings.Index(m.Text, "Example Cloud Storage ends on 1 July 2031")
			if zh < 0 || en < zh {
				t.Errorf("text %q: want the Chinese notice with the Beijing date first, then the English one", m.Text)
			}
			for _, msg := range mp.Messages(t) {
				for _, r := range msg.To {
					if r == bystander {
						t.Errorf("a subject of another tenant was mailed")
					}
				}
			}
		})
	}
}
