package dsr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/mail"
)

// Fulfilment is a state machine stepped by Sweep. Every step is one transaction guarded by
// the request's version, and every step that acts outside that transaction (erasing the
// subject, withdrawing consents, applying a correction) is idempotent, so a sweep killed
// anywhere leaves each request at a step boundary or with a step to repeat harmlessly; the
// next sweep, on this instance or another, carries on.

// system is the principal fulfilment acts as.
var system = auth.System

// Sweep advances every open request as far as it can go now, and sends the officer's
// reminders (R-DSR-6). It returns how many steps it took.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	steps := 0
	var errs []error
	// Every open request, a page at a time: requests that wait long (on a customer's
	// instruction, an officer's answer or a slow recipient) never crowd out the rest.
	var due time.Time
	var after string
	page := s.page()
	for {
		if err := ctx.Err(); err != nil {
			return steps, err
		}
		rs, err := s.Store.OpenRequests(ctx, due, after, page)
		if err != nil {
			return steps, err
		}
		for i := range rs {
			n, err := s.advance(ctx, &rs[i])
			steps += n
			if err != nil && custos.KindOf(err) != custos.KindConflict {
				s.log().ErrorContext(ctx, "subject request step failed", "request", rs[i].ID, "err", err)
				errs = append(errs, fmt.Errorf("request %s: %w", rs[i].ID, err))
			}
		}
		if len(rs) < page {
			n, err := s.closeAbandoned(ctx)
			return steps + n, errors.Join(append(errs, err)...)
		}
		due, after = rs[len(rs)-1].DueAt, rs[len(rs)-1].ID
	}
}

// advance takes every step a request can take now.
func (s *Service) advance(ctx context.Context, r *Request) (int, error) {
	n := 0
	for range 10 {
		ok, err := s.step(ctx, r)
		if err != nil || !ok {
			return n, err
		}
		n++
		s.log().InfoContext(ctx, "subject request step", "request", r.ID, "type", string(r.Type), "state", string(r.State), "step", r.Step)
	}
	return n, nil
}

// Advance runs the steps of one request (after a confirmation, say).
func (s *Service) Advance(ctx context.Context, id string) error {
	r, err := s.Store.Request(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.advance(ctx, r)
	return err
}

func (s *Service) update(ctx context.Context, c *Change) (bool, error) {
	c.Request.UpdatedAt = s.now()
	restore, err := s.sealTexts(ctx, c.Request)
	if err != nil {
		return false, err
	}
	err = s.Store.UpdateRequest(ctx, c)
	restore()
	if err != nil {
		return false, err
	}
	return true, nil
}

// step takes the next step of r, reporting whether it did.
func (s *Service) step(ctx context.Context, r *Request) (bool, error) {
	now := s.now()
	if !r.State.Open() {
		return false, nil
	}
	// Reminders to the officer, 7 days and 1 day before the request falls due.
	if !r.DueAt.IsZero() && (r.State == StateVerified || r.State == StateInProgress) {
		var which string
		switch {
		case !r.Reminded1 && !now.Before(r.DueAt.Add(-24*time.Hour)):
			r.Reminded1, r.Reminded7, which = true, true, "1d"
		case !r.Reminded7 && !now.Before(r.DueAt.Add(-7*24*time.Hour)):
			r.Reminded7, which = true, "7d"
		}
		if which != "" {
			c := &Change{Request: r}
			ev := s.event(r, "custos", "", "dsr.reminder", "R-DSR-6")
			ev.Details["before_due"] = which
			c.Events = append(c.Events, ev)
			if s.OfficerEmail != "" {
				c.Mail = append(c.Mail, officerMail(s.OfficerEmail, r, which))
			} else {
				s.log().WarnContext(ctx, "no officer e-mail configured (--officer-email): reminder recorded in the audit log only", "request", r.ID)
			}
			return s.update(ctx, c)
		}
	}
	switch r.State {
	case StateVerified:
		if r.RoutedTo != "" && r.InstructionAt.IsZero() {
			return false, nil // R-INV-3: the customer's written instruction first
		}
		if r.Type == TypeComplaint {
			return false, nil // answered by the officer
		}
		r.State = StateInProgress
		c := &Change{Request: r}
		c.Events = append(c.Events, s.event(r, "custos", "", "dsr.start", "R-DSR-6"))
		c.History = append(c.History, r.history(now, "custos", "in_progress", ""))
		return s.update(ctx, c)
	case StateInProgress:
		switch r.Type {
		case TypeAccess, TypePortability:
			return s.stepExport(ctx, r)
		case TypeCorrection:
			return s.stepCorrection(ctx, r)
		case TypeDeletion:
			return s.stepDeletion(ctx, r)
		case TypeWithdrawal:
			return s.stepWithdrawal(ctx, r)
		case TypeExplanation:
			return s.stepExplanation(ctx, r)
		case TypeCancellation:
			return s.stepCancellation(ctx, r)
		}
	}
	return false, nil
}

// complete closes r with a note and an optional mail.
func (s *Service) complete(ctx context.Context, r *Request, note string, m *mail.Message, rids ...string) (bool, error) {
	now := s.now()
	r.State, r.ClosedAt = StateCompleted, now
	c := &Change{Request: r}
	ev := s.event(r, "custos", "", "dsr.complete", append([]string{"R-DSR-6"}, rids...)...)
	c.Events = append(c.Events, ev)
	c.History = append(c.History, r.history(now, "custos", "completed", note))
	if m != nil {
		c.Mail = append(c.Mail, *m)
	}
	return s.update(ctx, c)
}

func gone(err error) bool { return custos.KindOf(err) == custos.KindNotFound }

func (s *Service) stepExport(ctx context.Context, r *Request) (bool, error) {
	to, err := s.Subjects.RequestAddress(ctx, r.SubjectID)
	if gone(err) {
		r.Answer = "custos holds no personal information about this subject any more"
		return s.complete(ctx, r, "nothing held", nil)
	}
	if err != nil {
		return false, err
	}
	now := s.now()
	formats := []string{"json", "html"}
	switch r.Params.Format {
	case "json":
		formats = []string{"json"}
	case "html":
		formats = []string{"html"}
	}
	var links []string
	c := &Change{Request: r}
	for _, f := range formats {
		key, hash := secret("dl_")
		c.Downloads = append(c.Downloads, &Download{Hash: hash, RequestID: r.ID, SubjectID: r.SubjectID, Format: f,
			ExpiresAt: now.Add(orDefault(s.LinkTTL, 7*24*time.Hour))})
		links = append(links, strings.ToUpper(f)+": "+strings.TrimSuffix(s.PublicURL, "/")+"/v1/exports/"+key)
	}
	exp := now.Add(orDefault(s.LinkTTL, 7*24*time.Hour)).Format(time.RFC3339)
	zh := "您的个人信息副本已准备好,可通过以下链接下载(每个链接仅可使用一次,于 " + exp + " 失效):\n\n" + strings.Join(links, "\n") +
		"\n\nJSON 文件为机器可读格式,可交给其他个人信息处理者;HTML 页面便于阅读。"
	en := "Your copy is ready. Download it from these links (each works once and expires at " + exp + "):\n\n" + strings.Join(links, "\n") +
		"\n\nThe JSON file is machine-readable, for another handler; the HTML page is for reading."
	r.State, r.ClosedAt = StateCompleted, now
	m := doneMail(to, r, zh, en)
	c.Mail = append(c.Mail, m)
	ev := s.event(r, "custos", "", "dsr.export_ready", "R-DSR-6")
	ev.Details["formats"] = strings.Join(formats, ",")
	c.Events = append(c.Events, ev, s.event(r, "custos", "", "dsr.complete", "R-DSR-6"))
	c.History = append(c.History, r.history(now, "custos", "export_ready", strings.Join(formats, ",")), r.history(now, "custos", "completed", ""))
	return s.update(ctx, c)
}

func (s *Service) stepCorrection(ctx context.Context, r *Request) (bool, error) {
	p, err := s.openPayload(ctx, r)
	if gone(err) {
		r.Answer = "custos holds no personal information about this subject any more"
		return s.complete(ctx, r, "nothing held", nil)
	}
	if err != nil {
		return false, err
	}
	err = s.Subjects.Correct(ctx, system, r.SubjectID, r.Params.Category, p.Fields)
	switch custos.KindOf(err) {
	case "":
		m, merr := s.subjectMail(ctx, r, func(to string, r *Request) mail.Message {
			return doneMail(to, r, "您要求更正的信息("+r.Params.Category+": "+strings.Join(r.Params.Fields, ", ")+")已更正。",
				"The information you asked to correct ("+r.Params.Category+": "+strings.Join(r.Params.Fields, ", ")+") has been corrected.")
		})
		if merr != nil {
			return false, merr
		}
		return s.complete(ctx, r, r.Params.Category, m)
	case custos.KindUnprocessable, custos.KindInvalid, custos.KindConflict:
		// The rules refused it (R-DSR-2: registration data; a value that does not validate).
		// That is the answer; the error's public message holds no PI.
		r.Answer = "the correction was refused: " + custos.PublicMessage(err)
		m, merr := s.subjectMail(ctx, r, answerMail)
		if merr != nil {
			return false, merr
		}
		return s.complete(ctx, r, "refused", m, "R-DSR-2")
	}
	return false, err
}

func (s *Service) stepWithdrawal(ctx context.Context, r *Request) (bool, error) {
	cs, err := s.Subjects.ListConsents(ctx, system, r.SubjectID)
	if gone(err) {
		return s.complete(ctx, r, "nothing held", nil)
	}
	if err != nil {
		return false, err
	}
	n := 0
	for _, e := range cs.Current {
		match := e.ConsentID == r.Params.ConsentID
		if r.Params.ConsentID == "" {
			match = slices.Contains(r.Params.Purposes, e.Purpose) &&
				(len(r.Params.Categories) == 0 || slices.Contains(r.Params.Categories, e.Category))
		}
		if !match {
			continue
		}
		ch := r.Channel
		if _, err := s.Subjects.WithdrawConsent(ctx, system, r.SubjectID, e.ConsentID, ch); err != nil && !gone(err) {
			return false, err
		}
		n++
	}
	m, err := s.subjectMail(ctx, r, func(to string, r *Request) mail.Message {
		return doneMail(to, r, fmt.Sprintf("已撤回 %d 项同意,自下一次处理起生效。", n), fmt.Sprintf("%d consent(s) withdrawn, effective from the very next decision.", n))
	})
	if err != nil {
		return false, err
	}
	return s.complete(ctx, r, fmt.Sprintf("%d consents withdrawn", n), m, "R-PUR-2", "R-DSR-3")
}

func (s *Service) stepExplanation(ctx context.Context, r *Request) (bool, error) {
	zh, en, err := s.Explain(ctx, r.SubjectID)
	if err != nil && !gone(err) {
		return false, err
	}
	r.Answer = mail.Bilingual(zh, en)
	m, err := s.subjectMail(ctx, r, func(to string, r *Request) mail.Message { return doneMail(to, r, zh, en) })
	if err != nil {
		return false, err
	}
	return s.complete(ctx, r, "explained", m)
}

func (s *Service) stepCancellation(ctx context.Context, r *Request) (bool, error) {
	if s.Canceller == nil {
		return false, nil // wired later; the request waits, and the officer sees it
	}
	err := s.Canceller.CancelSubject(ctx, system, r.SubjectID, "subject request "+r.ID)
	if err != nil && custos.KindOf(err) != custos.KindConflict && !gone(err) {
		return false, err
	}
	m, merr := s.subjectMail(ctx, r, func(to string, r *Request) mail.Message {
		return doneMail(to, r, "您的账户已注销。此后我们仅在法律要求的期限内保存您的个人信息,且不再使用或处理;期满后立即删除或匿名化。",
			"Your account is cancelled. Your personal information is now kept only as long as law requires, and not used or processed; then it is deleted or anonymised at once.")
	})
	if merr != nil {
		return false, merr
	}
	return s.complete(ctx, r, "cancelled", m, "R-RET-2")
}

// instructionID is the webhook id of the deletion instruction of a request to a recipient:
// derived, so planning twice plans the same instruction, and the recipient's idempotency key.
func instructionID(requestID, recipient string) string {
	h := sha256.Sum256([]byte(requestID + "\x00" + recipient))
	return "msg_" + hex.EncodeToString(h[:16])
}

// stepDeletion: plan the instructions to every recipient that received the subject's data
// (and tell the subject), then erase (key first), then wait for every confirmation
// (R-DSR-3, R-DSR-4).
func (s *Service) stepDeletion(ctx context.Context, r *Request) (bool, error) {
	now := s.now()
	switch r.Step {
	case "":
		ds, err := s.Store.Disclosures(ctx, r.SubjectID)
		if err != nil {
			return false, err
		}
		cats := map[string][]string{}
		for _, d := range ds {
			for _, c := range d.Categories {
				if !slices.Contains(cats[d.Recipient], c) {
					cats[d.Recipient] = append(cats[d.Recipient], c)
				}
			}
		}
		c := &Change{Request: r}
		var names []string
		for _, rc := range s.Policy.Recipients() {
			cs, ok := cats[rc.Name]
			if !ok {
				continue
			}
			slices.Sort(cs)
			names = append(names, rc.Name)
			c.Instructions = append(c.Instructions, &Instruction{ID: instructionID(r.ID, rc.Name), RequestID: r.ID, Recipient: rc.Name,
				SubjectID: r.SubjectID, TenantID: r.TenantID, Categories: cs, State: InstructionPending, NextAt: now, CreatedAt: now})
		}
		r.Step = "planned"
		ev := s.event(r, "custos", "", "dsr.deletion_planned", "R-DSR-4")
		ev.Details["recipients"] = strings.Join(names, ",")
		c.Events = append(c.Events, ev)
		c.History = append(c.History, r.history(now, "custos", "deletion_planned", fmt.Sprintf("%d recipients: %s", len(names), strings.Join(names, ", "))))
		// The last mail custos can send: after erasure it holds no address.
		m, err := s.subjectMail(ctx, r, func(to string, r *Request) mail.Message {
			zh := fmt.Sprintf("我们正在删除您的个人信息:先销毁您的数据密钥,再删除全部记录。删除后我们将不再保存您的电子邮件地址,因此这是我们就此请求发送的最后一封邮件。\n\n我们将要求以下 %d 个接收方删除其从我们这里获得的您的个人信息,并跟踪其确认:%s\n\n您可以凭验证后获得的请求密钥随时查询进度。", len(names), strings.Join(names, "、"))
			en := fmt.Sprintf("We are deleting your personal information: your data key is destroyed first, then every record. After that we no longer hold your e-mail address, so this is the last message about this request.\n\nWe will instruct these %d recipients to delete what they received from us, and track their confirmations: %s\n\nYou can follow the progress with the request key you were given at verification.", len(names), strings.Join(names, ", "))
			m := doneMail(to, r, zh, en)
			m.Subject = "正在删除您的个人信息 / Deleting your personal information: " + r.ID
			m.Key = "dsr-deleting:" + r.ID
			return m
		})
		if err != nil && !gone(err) {
			return false, err
		}
		if m != nil {
			c.Mail = append(c.Mail, *m)
		}
		return s.update(ctx, c)
	case "planned":
		// Destroy the key, then the records (subject.Service.Erase, idempotent).
		if err := s.Subjects.Erase(ctx, system, r.SubjectID); err != nil && !gone(err) {
			return false, err
		}
		r.Step = "erased"
		c := &Change{Request: r}
		c.Events = append(c.Events, s.event(r, "custos", "", "dsr.subject_erased", "R-DSR-3", "R-RET-3"))
		c.History = append(c.History, r.history(now, "custos", "erased", "key destroyed, records deleted"))
		ok, err := s.update(ctx, c)
		if ok && s.Kick != nil {
			s.Kick(ctx) // deliveries may start
		}
		return ok, err
	case "erased":
		ins, err := s.Store.Instructions(ctx, r.ID)
		if err != nil {
			return false, err
		}
		for _, in := range ins {
			if in.State != InstructionConfirmed {
				return false, nil
			}
		}
		return s.complete(ctx, r, fmt.Sprintf("%d recipients confirmed", len(ins)), nil, "R-DSR-4")
	}
	return false, nil
}

// closeAbandoned closes, as withdrawn, the requests whose subject did not prove who they
// are within VerifyWindow: no clock ever started for them (R-DSR-6 counts from
// verification), and an unverified request is not kept open for ever. It also forgets code
// sends the rate limits no longer look at.
func (s *Service) closeAbandoned(ctx context.Context) (int, error) {
	now := s.now()
	window := orDefault(s.VerifyWindow, 7*24*time.Hour)
	if err := s.Store.PruneCodeSends(ctx, now.Add(-24*time.Hour)); err != nil {
		return 0, err
	}
	n, page := 0, s.page()
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		rs, err := s.Store.UnverifiedBefore(ctx, now.Add(-window), page)
		if err != nil {
			return n, err
		}
		closed := 0
		for i := range rs {
			r := &rs[i]
			r.State, r.ClosedAt, r.UpdatedAt = StateWithdrawn, now, now
			c := &Change{Request: r}
			ev := s.event(r, "custos", "", "dsr.abandon", "R-DSR-5")
			ev.Details["reason"] = "identity_not_verified"
			c.Events = append(c.Events, ev)
			c.History = append(c.History, r.history(now, "custos", "abandoned", "identity not verified within "+window.String()))
			switch err := s.Store.UpdateRequest(ctx, c); {
			case custos.KindOf(err) == custos.KindConflict: // changed meanwhile; the next sweep looks again
			case err != nil:
				return n, err
			default:
				closed++
			}
		}
		n += closed
		// A full page with nothing closed would be read again as it is: leave it to the next sweep.
		if len(rs) < page || closed == 0 {
			return n, nil
		}
	}
}

// page is how many requests one query of a sweep reads.
func (s *Service) page() int { return orDefault(s.SweepPage, 500) }
