package subject

import (
	"context"
	"slices"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
	"custos.dev/custos/policy"
)

// ConsentGrant is what granting a consent takes.
type ConsentGrant struct {
	Purpose          string          `json:"purpose"`
	Category         string          `json:"category,omitempty"`
	Separate         bool            `json:"separate,omitempty"`
	GivenBy          consent.GivenBy `json:"given_by,omitempty"`
	Channel          string          `json:"channel"`
	StatementVersion string          `json:"statement_version,omitempty"`
}

// GrantConsent appends a grant to the ledger (R-PUR-2): the purpose (and category) must be
// the policy's, the statement version one it keeps (default: the current one, R-NOT-1).
func (s *Service) GrantConsent(ctx context.Context, by auth.Principal, subjectID string, in ConsentGrant) (*consent.Entry, error) {
	if _, ok := s.Policy.PurposeByName(in.Purpose); !ok {
		return nil, custos.FieldError(custos.KindUnprocessable, "purpose", "not a purpose of the policy")
	}
	if in.Category != "" {
		if _, ok := s.Policy.CategoryByName(in.Category); !ok {
			return nil, custos.FieldError(custos.KindUnprocessable, "category", "not a category of the policy")
		}
	}
	if in.GivenBy == "" {
		in.GivenBy = consent.BySubject
	}
	if in.GivenBy != consent.BySubject && in.GivenBy != consent.ByGuardian {
		return nil, custos.FieldError(custos.KindInvalid, "given_by", "want subject or guardian")
	}
	if !slices.Contains(consent.Channels, in.Channel) {
		return nil, custos.FieldError(custos.KindInvalid, "channel", "want one of web, app, email, phone, paper, api, console")
	}
	if in.StatementVersion == "" {
		in.StatementVersion = s.Policy.CurrentVersion().Version
	}
	if !slices.ContainsFunc(s.Policy.Versions(), func(v policy.Version) bool { return v.Version == in.StatementVersion }) {
		return nil, custos.FieldError(custos.KindUnprocessable, "statement_version", "not a version of the statement")
	}
	sub, err := s.loadSubject(ctx, by, subjectID)
	if err != nil {
		return nil, err
	}
	e := &consent.Entry{ConsentID: newID("cn_"), SubjectID: subjectID, Action: consent.Grant, Purpose: in.Purpose,
		Category: in.Category, Separate: in.Separate, GivenBy: in.GivenBy, Channel: in.Channel,
		StatementVersion: in.StatementVersion, At: s.now()}
	if err := s.Consents.AppendConsents(ctx, []*consent.Entry{e}, []*auditlog.Event{consentEvent(by, sub, e)}); err != nil {
		return nil, err
	}
	return e, nil
}

func consentEvent(by auth.Principal, sub *Subject, e *consent.Entry) *auditlog.Event {
	ev := event(by, "consent."+string(e.Action), sub.TenantID, sub.ID, "consent/"+e.ConsentID, "R-PUR-2", "R-NOT-1")
	ev.Time = e.At
	ev.Details = map[string]string{"purpose": e.Purpose, "given_by": string(e.GivenBy), "channel": e.Channel,
		"statement_version": e.StatementVersion}
	if e.Category != "" {
		ev.Details["category"] = e.Category
	}
	if e.Separate {
		ev.Details["separate"] = "true"
	}
	return ev
}

// WithdrawConsent appends a withdrawal of a consent in force; it holds from the very next
// decision, since decisions read the ledger.
func (s *Service) WithdrawConsent(ctx context.Context, by auth.Principal, subjectID, consentID, channel string) (*consent.Entry, error) {
	if channel == "" {
		channel = "api"
	}
	if !slices.Contains(consent.Channels, channel) {
		return nil, custos.FieldError(custos.KindInvalid, "channel", "want one of web, app, email, phone, paper, api, console")
	}
	sub, err := s.loadSubject(ctx, by, subjectID)
	if err != nil {
		return nil, err
	}
	history, err := s.Consents.ConsentHistory(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	g, ok := consent.Active(history, consentID)
	if !ok {
		return nil, custos.Errorf(custos.KindNotFound, "no such consent in force")
	}
	e := &consent.Entry{ConsentID: consentID, SubjectID: subjectID, Action: consent.Withdraw, Purpose: g.Purpose,
		Category: g.Category, Separate: g.Separate, GivenBy: g.GivenBy, Channel: channel,
		StatementVersion: g.StatementVersion, At: s.now()}
	if err := s.Consents.AppendConsents(ctx, []*consent.Entry{e}, []*auditlog.Event{consentEvent(by, sub, e)}); err != nil {
		return nil, err
	}
	return e, nil
}

// Consents is a subject's consents: those in force and the whole history.
type Consents struct {
	Current []consent.Entry `json:"current"`
	History []consent.Entry `json:"history"`
}

// ListConsents shows a subject's ledger.
func (s *Service) ListConsents(ctx context.Context, by auth.Principal, subjectID string) (*Consents, error) {
	if _, err := s.loadSubject(ctx, by, subjectID); err != nil {
		return nil, err
	}
	history, err := s.Consents.ConsentHistory(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	c := &Consents{Current: consent.Current(history), History: history}
	if c.Current == nil {
		c.Current = []consent.Entry{}
	}
	if c.History == nil {
		c.History = []consent.Entry{}
	}
	return c, nil
}
