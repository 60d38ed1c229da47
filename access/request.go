package access

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
)

// NewRequest is what asking for access takes.
type NewRequest struct {
	Requester     string   `json:"requester"`
	Entity        string   `json:"entity"`
	Country       string   `json:"country"`
	Ticket        string   `json:"ticket"`
	TenantID      string   `json:"tenant_id"`
	Categories    []string `json:"categories"`
	Purpose       string   `json:"purpose"`
	Justification string   `json:"justification"`
	// Duration is an ISO 8601 duration (PT4H); empty asks for the policy's cap.
	Duration  string     `json:"duration,omitempty"`
	Transfer  *Transfer  `json:"transfer,omitempty"`
	Consent   *Consent   `json:"consent,omitempty"`
	Recipient *Recipient `json:"recipient,omitempty"`
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// text checks a required (or optional) free-text field's length; the message never repeats
// the value.
func text(field, v string, required bool, max int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", custos.FieldError(custos.KindInvalid, field, "required")
	}
	if len(v) > max {
		return "", custos.FieldError(custos.KindInvalid, field, "too long")
	}
	if strings.ContainsAny(v, "\x00\r") {
		return "", custos.FieldError(custos.KindInvalid, field, "control characters")
	}
	return v, nil
}

// Create records a request from a support engineer, bound to the caller's token, and tells
// the customer's administrators. Its country must agree with where the token says its
// holder works, so that access from abroad cannot pass as access from home.
func (s *Service) Create(ctx context.Context, by auth.Principal, in NewRequest) (*Request, error) {
	if by.Role != auth.RoleSupportEngineer {
		return nil, custos.Errorf(custos.KindForbidden, "only support engineers ask for access")
	}
	r, err := s.validate(by, in)
	if err != nil {
		return nil, err
	}
	set, err := s.Store.AccessSettings(ctx, r.TenantID)
	if custos.KindOf(err) == custos.KindNotFound {
		return nil, custos.FieldError(custos.KindUnprocessable, "tenant_id", "no such tenant")
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	r.ID, r.RequesterToken, r.SecondApproval, r.State = newID("ar_", now), by.TokenID, set.SecondApproval, StatePending
	r.CreatedAt, r.PendingUntil = now, now.Add(s.Policy.AccessGrants().PendingExpiry)
	msgs, err := s.notice(ctx, r, noticeArrived)
	if err != nil {
		return nil, err
	}
	ev := s.event(by, "access.requested", r, now)
	ev.Details["duration"] = r.Duration.String()
	ev.Details["second_approval"] = boolString(r.SecondApproval)
	if r.Transfer != nil {
		ev.Details["transfer_mechanism"] = r.Transfer.Mechanism
	}
	if r.Consent != nil {
		ev.Details["consent_basis"] = r.Consent.Basis
	}
	ch := &Change{At: now, Actor: by.Actor(), Role: string(by.Role), Action: "requested", State: StatePending}
	if err := s.Store.CreateAccessRequest(ctx, r, ch, msgs, ev); err != nil {
		return nil, err
	}
	return s.Store.AccessRequest(ctx, r.ID)
}

func (s *Service) validate(by auth.Principal, in NewRequest) (*Request, error) {
	r := &Request{}
	var err error
	if r.Requester, err = text("requester", in.Requester, true, 200); err != nil {
		return nil, err
	}
	if r.Ticket, err = text("ticket", in.Ticket, true, 200); err != nil {
		return nil, err
	}
	if r.Justification, err = text("justification", in.Justification, true, 4000); err != nil {
		return nil, err
	}
	if r.TenantID, err = text("tenant_id", in.TenantID, true, 100); err != nil {
		return nil, err
	}
	r.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	if !countryCode.MatchString(r.Country) {
		return nil, custos.FieldError(custos.KindInvalid, "country", "want an ISO 3166-1 alpha-2 code; CN is mainland China")
	}
	// The token's location is what decisions use (R-RES-2); the request must say the same.
	if r.Abroad() != (by.Location == "abroad") {
		return nil, custos.FieldError(custos.KindUnprocessable, "country", "does not agree with where the caller's token says its holder works (R-RES-2, R-RES-3)")
	}
	r.Entity = strings.TrimSpace(in.Entity)
	var recipient *policy.Recipient
	if r.Entity != EntityOperator {
		for _, rc := range s.Policy.Recipients() {
			if rc.Name == r.Entity && rc.Kind != "" {
				recipient = &rc
			}
		}
		if recipient == nil {
			return nil, custos.FieldError(custos.KindUnprocessable, "entity", "want operator or a recipient the policy lists (R-SHR-1)")
		}
	}
	if len(in.Categories) == 0 || len(in.Categories) > 32 {
		return nil, custos.FieldError(custos.KindInvalid, "categories", "name one or more categories")
	}
	p, ok := s.Policy.PurposeByName(in.Purpose)
	if !ok {
		return nil, custos.FieldError(custos.KindUnprocessable, "purpose", "not a purpose of the policy")
	}
	r.Purpose = in.Purpose
	role, _ := policy.ParseRole(string(by.Role))
	for i, name := range in.Categories {
		c, ok := s.Policy.CategoryByName(name)
		if !ok {
			return nil, custos.FieldError(custos.KindUnprocessable, "categories["+strconv.Itoa(i)+"]", "not a category of the policy")
		}
		if slices.Contains(r.Categories, name) {
			return nil, custos.FieldError(custos.KindInvalid, "categories["+strconv.Itoa(i)+"]", "listed twice")
		}
		if !s.Policy.AccessPurposeAllowed(role, c, r.Abroad(), p) {
			return nil, custos.FieldError(custos.KindUnprocessable, "purpose", "the policy's access rule for this category does not allow this purpose (R-RES-2)")
		}
		r.Categories = append(r.Categories, name)
	}
	slices.Sort(r.Categories)
	limits := s.Policy.AccessGrants()
	r.Duration = limits.MaxDuration
	if in.Duration != "" {
		d, err := policy.ParseClockDuration(in.Duration)
		if err != nil {
			return nil, custos.FieldError(custos.KindInvalid, "duration", err.Error())
		}
		if d > limits.MaxDuration {
			return nil, custos.FieldError(custos.KindUnprocessable, "duration", "longer than the policy's cap on grants ("+limits.MaxDuration.String()+")")
		}
		r.Duration = d
	}
	if in.Transfer != nil {
		t := *in.Transfer
		if !slices.Contains(Mechanisms, t.Mechanism) {
			return nil, custos.FieldError(custos.KindInvalid, "transfer.mechanism", "want security_assessment, standard_contract, certification or exemption")
		}
		if t.Reference, err = text("transfer.reference", t.Reference, true, 500); err != nil {
			return nil, err
		}
		if t.Mechanism == MechanismExemption {
			if !limits.Exemption(t.Exemption) {
				return nil, custos.FieldError(custos.KindUnprocessable, "transfer.exemption", "not an exemption the policy lists (R-RES-3)")
			}
		} else if t.Exemption != "" {
			return nil, custos.FieldError(custos.KindInvalid, "transfer.exemption", "only with the exemption mechanism")
		}
		r.Transfer = &t
	}
	if in.Consent != nil {
		c := *in.Consent
		if c.Basis != ConsentSeparate && c.Basis != ConsentExemption {
			return nil, custos.FieldError(custos.KindInvalid, "consent.basis", "want separate_consent or exemption")
		}
		if c.Reference, err = text("consent.reference", c.Reference, true, 500); err != nil {
			return nil, err
		}
		r.Consent = &c
	}
	if in.Recipient != nil || r.Abroad() {
		rc := Recipient{}
		if in.Recipient != nil {
			rc = *in.Recipient
		}
		if rc.Name == "" && recipient != nil {
			rc.Name = recipient.LegalName
		}
		if rc.Name, err = text("recipient.name", rc.Name, false, 200); err != nil {
			return nil, err
		}
		if rc.Contact, err = text("recipient.contact", rc.Contact, false, 200); err != nil {
			return nil, err
		}
		r.Recipient = &rc
	}
	return r, nil
}

func join(names []string) string { return strings.Join(names, ",") }
