package app_test

import (
	"context"
	"strings"
	"testing"

	"custos.dev/custos/access"
	"custos.dev/custos/auth"
	"custos.dev/custos/internal/mailpittest"
	"custos.dev/custos/subject"
)

// TestAccessNotices runs a request through its life on the wired app and checks that the
// customer's administrators get the e-mails R-RES-2 and R-SUP-1 call for, through a real
// SMTP server: when the request arrives, when it is approved, and when it ends; Chinese
// first, each once, and only to the tenant's administrators.
func TestAccessNotices(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			mp := mailpittest.Start(t)
			a, _ := openMailApp(t, engine, t.TempDir(), mp, nil)
			ctx := context.Background()
			principal := func(role auth.Role, tenant string) auth.Principal {
				secret, _, err := a.Auth.Create(ctx, auth.System, role, tenant, "test", "")
				if err != nil {
					t.Fatal(err)
				}
				p, err := a.Auth.Authenticate(ctx, secret)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			tn, err := a.Subjects.CreateTenant(ctx, auth.System, "通知测试有限公司")
			if err != nil {
				t.Fatal(err)
			}
			const admin1, admin2, endUser = "li.na.admin@example.cn", "wang.fang.admin@example.cn", "end.user@example.cn"
			for _, s := range []subject.NewSubject{
				{TenantID: tn.ID, Kind: subject.KindCustomerAdministrator, Email: admin1},
				{TenantID: tn.ID, Kind: subject.KindCustomerAdministrator, Email: admin2},
				{TenantID: tn.ID, Kind: subject.KindEndUser, Email: endUser},
			} {
				if _, err := a.Subjects.CreateSubject(ctx, auth.System, s); err != nil {
					t.Fatal(err)
				}
			}
			eng, cust := principal(auth.RoleSupportEngineer, ""), principal(auth.RoleCustomerAdmin, tn.ID)
			r, err := a.Access.Create(ctx, eng, access.NewRequest{Requester: "E1024", Entity: "operator", Country: "CN",
				Ticket: "INC-77", TenantID: tn.ID, Categories: []string{"customer_data"}, Purpose: "troubleshooting",
				Justification: "数据库连接失败", Duration: "PT1H"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Access.Approve(ctx, cust, r.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Access.Resolve(ctx, eng, r.ID); err != nil {
				t.Fatal(err)
			}
			if n, err := a.DeliverMail(ctx); err != nil || n != 3 {
				t.Fatalf("DeliverMail = %d, %v; want 3 messages (each to both administrators)", n, err)
			}
			for _, to := range []string{admin1, admin2} {
				got := mp.WaitFor(t, to, 3)
				if len(got) != 3 {
					t.Fatalf("%s: %d messages, want 3", to, len(got))
				}
				byKind := map[string]mailpittest.Message{}
				for _, m := range got {
					for _, prefix := range []string{"数据访问请求待您审批", "数据访问已获批准", "数据访问已结束"} {
						if strings.HasPrefix(m.Subject, prefix) && strings.Contains(m.Subject, r.ID) {
							byKind[prefix] = m
						}
					}
				}
				if len(byKind) != 3 {
					t.Fatalf("%s: subjects %v, want the arrival, approval and end notices", to, got)
				}
				for _, m := range got {
					if zh, en := strings.Index(m.Text, "请求编号"), strings.Index(m.Text, "Request: "); zh < 0 || en < zh {
						t.Errorf("%s: Chinese must come first: %q", to, m.Text)
					}
					if !strings.Contains(m.Text, "INC-77") || !strings.Contains(m.Text, "customer_data") {
						t.Errorf("%s: the notice lacks the ticket or categories: %q", to, m.Text)
					}
				}
				if end := byKind["数据访问已结束"]; !strings.Contains(end.Text, "工单已解决") || !strings.Contains(end.Text, "the ticket was solved") {
					t.Errorf("end notice %q", end.Text)
				}
			}
			if n := len(mp.To(t, endUser)); n != 0 {
				t.Errorf("an end user got %d access notices", n)
			}
			if n, _ := a.DeliverMail(ctx); n != 0 {
				t.Errorf("a second pass sent %d", n)
			}
		})
	}
}
