package retention

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/mail"
	"custos.dev/custos/policy"
)

// NewTermination is what declaring a service termination takes: the service's name, the
// date it ends, and whom it affects (every tenant, or the named ones).
type NewTermination struct {
	Service    policy.Text `json:"service"`
	EndsAt     time.Time   `json:"ends_at"`
	AllTenants bool        `json:"all_tenants"`
	TenantIDs  []string    `json:"tenant_ids"`
}

// NoticeDeadline names the policy's lead time for termination notices.
const NoticeDeadline = "service_termination_notice"

// DeclareTermination records that a service ends at EndsAt (R-RET-4). The date must be at
// least the policy's notice lead time away, so that every affected subject is told in time:
// the announcement is published at once, and the next sweep mails each affected subject.
// At EndsAt the affected subjects are cancelled, and their data then follows the policy's
// cancelled rules. Only an operator's administrator declares terminations.
func (s *Service) DeclareTermination(ctx context.Context, by auth.Principal, in NewTermination) (*Termination, error) {
	if by.Role != auth.RoleOperatorAdmin {
		return nil, custos.Errorf(custos.KindForbidden, "only an operator administrator declares service terminations")
	}
	for field, v := range map[string]string{"service.zh": in.Service.ZH, "service.en": in.Service.EN} {
		if v = strings.TrimSpace(v); v == "" || utf8.RuneCountInString(v) > 200 {
			return nil, custos.FieldError(custos.KindInvalid, field, "required, at most 200 characters")
		}
	}
	if in.AllTenants == (len(in.TenantIDs) > 0) {
		return nil, custos.FieldError(custos.KindInvalid, "tenant_ids", "give tenant_ids, or all_tenants: true, not both")
	}
	now := s.now()
	lead, ok := s.Policy.Deadline(NoticeDeadline)
	if !ok {
		return nil, custos.Internal(fmt.Errorf("the policy declares no %s deadline", NoticeDeadline))
	}
	if earliest, _ := lead.AddTo(now); in.EndsAt.Before(earliest) {
		return nil, custos.FieldError(custos.KindUnprocessable, "ends_at",
			fmt.Sprintf("must be at least %s from now, the policy's notice lead time (R-RET-4)", lead))
	}
	tenants := slices.Compact(slices.Sorted(slices.Values(in.TenantIDs)))
	for _, id := range tenants {
		if _, err := s.Store.TenantState(ctx, id); custos.KindOf(err) == custos.KindNotFound {
			return nil, custos.FieldError(custos.KindUnprocessable, "tenant_ids", "no such tenant")
		} else if err != nil {
			return nil, err
		}
	}
	t := &Termination{ID: newID("st_"), Service: policy.Text{ZH: strings.TrimSpace(in.Service.ZH), EN: strings.TrimSpace(in.Service.EN)},
		AllTenants: in.AllTenants, TenantIDs: tenants, EndsAt: in.EndsAt.UTC(), DeclaredBy: by.Actor(), DeclaredAt: now}
	ann := terminationAnnouncement(t)
	ann.ID, ann.PublishedAt = newID("an_"), now
	ev := event(by, "termination.declare", "", "", "termination/"+t.ID, "R-RET-4")
	ev.Details = map[string]string{"ends_at": t.EndsAt.Format(time.RFC3339), "announcement": ann.ID, "notice_lead": lead.String()}
	if t.AllTenants {
		ev.Details["tenants"] = "all"
	} else {
		ev.Details["tenants"] = strings.Join(tenants, ",")
	}
	if err := s.Store.DeclareTermination(ctx, t, ann, ev); err != nil {
		return nil, err
	}
	return t, nil
}

// Terminations lists the declared terminations.
func (s *Service) Terminations(ctx context.Context) ([]*Termination, error) {
	return s.Store.Terminations(ctx)
}

// Announcements lists the published announcements, newest first.
func (s *Service) Announcements(ctx context.Context, limit int) ([]*Announcement, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return s.Store.Announcements(ctx, limit)
}

func terminationDate(t *Termination) (zh, en string) {
	// Dates are shown in China Standard Time, where the subjects are.
	d := t.EndsAt.In(cst)
	return d.Format("2006年1月2日 15:04"), d.Format("2 January 2006, 15:04") + " (UTC+8)"
}

var cst = time.FixedZone("CST", 8*3600)

func terminationAnnouncement(t *Termination) *Announcement {
	zhDate, enDate := terminationDate(t)
	return &Announcement{
		Kind:          "service_termination",
		TerminationID: t.ID,
		Title:         policy.Text{ZH: "服务终止公告:" + t.Service.ZH, EN: "Service termination: " + t.Service.EN},
		Body: policy.Text{
			ZH: fmt.Sprintf("%s将于%s(北京时间)终止。终止后,我们将按照隐私声明删除或匿名化处理与该服务相关的个人信息;法律法规要求保存的,仅在法定期限内保存,且不作他用。如需导出您的数据,请在终止日期前提出申请。", t.Service.ZH, zhDate),
			EN: fmt.Sprintf("%s ends on %s. After that, the personal information related to it is deleted or anonymised as the privacy statement says; what law requires us to keep is kept only for the period the law sets, and not used otherwise. If you want a copy of your data, ask before that date.", t.Service.EN, enDate),
		},
	}
}

func terminationNotice(t *Termination, subjectID, to string) Notice {
	a := terminationAnnouncement(t)
	return Notice{
		SubjectID: subjectID,
		To:        to,
		Subject:   a.Title.ZH + " / " + a.Title.EN,
		Text:      mail.Bilingual(a.Body.ZH, a.Body.EN),
		Key:       "termination/" + t.ID + "/" + subjectID,
	}
}

// sweepTerminations mails the subjects of declared terminations not yet told, and cancels
// the subjects of terminations whose date has come.
func (s *Service) sweepTerminations(ctx context.Context, now time.Time, rep *Report) error {
	ts, err := s.Store.Terminations(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if !t.EndedAt.IsZero() {
			continue
		}
		if t.NotifiedAt.IsZero() {
			if err := s.notify(ctx, t, now, rep); err != nil {
				return err
			}
		}
		if now.Before(t.EndsAt) {
			continue
		}
		if err := s.endTermination(ctx, t, now, rep); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) notify(ctx context.Context, t *Termination, now time.Time, rep *Report) error {
	for {
		ids, err := s.Store.Unnotified(ctx, t.ID, s.batch())
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		var notices []Notice
		evs := make([]*auditlog.Event, len(ids))
		for i, id := range ids {
			to, err := s.Vault.ContactEmail(ctx, id)
			if err != nil && custos.KindOf(err) != custos.KindNotFound {
				return err
			}
			channel := "announcement"
			if to != "" {
				notices = append(notices, terminationNotice(t, id, to))
				channel = "email,announcement"
			}
			st, _ := s.Store.SubjectState(ctx, id)
			tenant := ""
			if st != nil {
				tenant = st.TenantID
			}
			evs[i] = sweepEvent("termination.notify", tenant, id, "termination/"+t.ID, "R-RET-4")
			evs[i].Details = map[string]string{"channel": channel, "ends_at": t.EndsAt.Format(time.RFC3339)}
		}
		if err := s.Store.RecordNotices(ctx, t.ID, ids, notices, now, evs); err != nil {
			return err
		}
		rep.Notified += len(ids)
	}
	return s.Store.MarkNotified(ctx, t.ID, now, sweepEvent("termination.notified", "", "", "termination/"+t.ID, "R-RET-4"))
}

func (s *Service) endTermination(ctx context.Context, t *Termination, now time.Time, rep *Report) error {
	for {
		ids, err := s.Store.Affected(ctx, t.ID, []string{StateActive, StateTrial}, s.batch())
		if err != nil {
			return err
		}
		moved := 0
		for _, id := range ids {
			st, err := s.Store.SubjectState(ctx, id)
			if err != nil {
				return err
			}
			ev := sweepEvent("lifecycle.cancel", st.TenantID, id, "subject/"+id, "R-RET-4", "R-RET-2")
			ev.Details = map[string]string{"from": st.State, "reason": "termination:" + t.ID}
			// The clocks start at the termination's date, not at the sweep that noticed it.
			ok, err := s.Store.Transition(ctx, Transition{SubjectID: id, From: []string{StateActive, StateTrial}, To: StateCancelled, At: t.EndsAt, Event: ev})
			if err != nil {
				return err
			}
			if ok {
				moved++
			}
		}
		rep.Cancelled += moved
		if len(ids) < s.batch() || moved == 0 {
			break
		}
	}
	return s.Store.MarkEnded(ctx, t.ID, now, sweepEvent("termination.end", "", "", "termination/"+t.ID, "R-RET-4"))
}
