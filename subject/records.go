package subject

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
	"custos.dev/custos/policy"
)

// tokenKinds maps validators to lookup-token kinds: identifiers the API can search by.
var tokenKinds = map[string]string{"email": "email", "cn_mobile": "mobile", "cn_resident_id": "id_number"}

// PutRecord stores one category of a subject's PI, sealed with the subject's key. It refuses
// undeclared categories and fields (R-INV-1), security codes (R-PAY-1), invalid card
// numbers and real-name identifiers (R-PAY-2, R-PUR-3), regions the category may not be
// stored in (R-RES-1), a minor's PI beyond what identifies them without a guardian's
// consent (R-MIN-1), and changes to verified real-name data except by an operator, with a
// reason (R-DSR-2). It reports whether the record is new.
func (s *Service) PutRecord(ctx context.Context, by auth.Principal, subjectID, category string, body []byte, reason string) (bool, error) {
	cat, ok := s.Policy.CategoryByName(category)
	if !ok {
		return false, custos.FieldError(custos.KindUnprocessable, "category", "not a declared category (R-INV-1)")
	}
	fields, err := checkRecord(s.Policy, cat, body)
	if err != nil {
		return false, err
	}
	if !s.Policy.AllowedRegion(cat, s.Region) {
		return false, custos.FieldError(custos.KindUnprocessable, "region",
			fmt.Sprintf("%s may not be stored in region %s (R-RES-1)", category, s.Region))
	}
	sub, err := s.loadSubject(ctx, by, subjectID)
	if err != nil {
		return false, err
	}
	prof, err := s.profile(ctx, sub)
	if err != nil {
		return false, err
	}
	if a := age(prof.BirthDate, s.now()); a >= 0 && a < 18 {
		q, err := s.question(ctx, sub, prof, by, cat, 0)
		if err != nil {
			return false, err
		}
		if !q.GuardianConsent {
			for name := range fields {
				if f, _ := s.Policy.Field(cat, name); f.Kind != policy.KindIdentifier {
					return false, custos.FieldError(custos.KindUnprocessable, name,
						"a minor's PI beyond what identifies them needs a guardian's consent first (R-MIN-1)")
				}
			}
		}
	}
	old, err := s.Store.Record(ctx, subjectID, category)
	if err != nil && custos.KindOf(err) != custos.KindNotFound {
		return false, err
	}
	action := "record.put"
	rids := []string{"R-INV-1", "R-SEC-1"}
	if old != nil && !old.VerifiedAt.IsZero() {
		if by.Role != auth.RoleOperatorAdmin {
			return false, custos.Errorf(custos.KindConflict, "verified real-name data can be changed only by an operator action (R-DSR-2)")
		}
		if reason == "" {
			return false, custos.FieldError(custos.KindInvalid, "reason", "changing verified real-name data needs a reason")
		}
		action, rids = "record.override_verified", []string{"R-DSR-2", "R-PUR-3"}
	}
	dk, err := s.categoryKey(ctx, subjectID, category)
	if err != nil {
		return false, err
	}
	// Free text is scanned before anything is stored: a security code typed into it is
	// removed, and a redacted copy is kept for purposes that may read only that (R-SUP-4).
	in := scanIntake(s.Policy, cat, fields)
	fields = in.fields
	plain, _ := json.Marshal(fields)
	sealed, err := dk.Seal(plain, recordAD(subjectID, category))
	if err != nil {
		return false, custos.Internal(err)
	}
	redactedPlain, _ := json.Marshal(in.redacted)
	redacted, err := dk.Seal(redactedPlain, redactedAD(subjectID, category))
	if err != nil {
		return false, custos.Internal(err)
	}
	var tokens []LookupToken
	names := make([]string, 0, len(fields))
	for name, v := range fields {
		names = append(names, name)
		f, _ := s.Policy.Field(cat, name)
		if kind, ok := tokenKinds[f.Validator]; ok {
			tok, err := s.Tokens.Token(kind, v)
			if err == nil {
				tokens = append(tokens, LookupToken{Kind: kind, Token: tok})
			}
		}
	}
	sort.Strings(names)
	now := s.now()
	r := &Record{SubjectID: subjectID, Category: category, Region: s.Region, Sealed: sealed, Redacted: redacted, KeyScope: KeyScopeCategory,
		PIIFound: in.foundJSON(), CreatedAt: now, UpdatedAt: now}
	if old != nil {
		r.CreatedAt, r.VerifiedAt = old.CreatedAt, old.VerifiedAt
	}
	ev := event(by, action, sub.TenantID, subjectID, "record/"+subjectID+"/"+category, rids...)
	ev.Details = map[string]string{"category": category, "region": s.Region, "fields": fmt.Sprint(names)}
	if reason != "" {
		ev.Details["reason_given"] = "true" // the reason text may hold PI; its presence is what is audited
	}
	if f := in.foundJSON(); f != "" {
		ev.Details["pii_found"] = f
		ev.RIDs = append(ev.RIDs, "R-SUP-4")
	}
	return s.Store.PutRecord(ctx, r, tokens, ev)
}

// RecordView is a record as read: fields masked unless a purpose was allowed.
type RecordView struct {
	SubjectID string            `json:"subject_id"`
	Category  string            `json:"category"`
	Region    string            `json:"region"`
	Fields    map[string]string `json:"fields"`
	Masked    bool              `json:"masked"`
	Verified  bool              `json:"verified"`
	// Redacted says the fields are the redacted copy: the purpose reads only that (R-SUP-4).
	Redacted bool `json:"redacted"`
	// PIIFound lists, per free-text field, the PI types found on intake.
	PIIFound map[string][]string `json:"pii_found,omitempty"`
	Purpose  string              `json:"purpose,omitempty"`
	Decision *policy.Decision    `json:"decision,omitempty"`
}

// GetRecord reads a record. Without a purpose it is masked; with one, it is shown in full
// only if the decision engine allows the caller that purpose, and that read is audited with
// its purpose. A refused purpose is an error carrying the decision.
func (s *Service) GetRecord(ctx context.Context, by auth.Principal, location, subjectID, category, purpose string) (*RecordView, error) {
	cat, ok := s.Policy.CategoryByName(category)
	if !ok {
		return nil, custos.FieldError(custos.KindNotFound, "category", "not a declared category")
	}
	sub, err := s.loadSubject(ctx, by, subjectID)
	if err != nil {
		return nil, err
	}
	rec, err := s.Store.Record(ctx, subjectID, category)
	if err != nil {
		return nil, err
	}
	view := &RecordView{SubjectID: subjectID, Category: category, Region: rec.Region, Masked: true, Verified: !rec.VerifiedAt.IsZero()}
	if rec.PIIFound != "" {
		_ = json.Unmarshal([]byte(rec.PIIFound), &view.PIIFound)
	}
	// Where the policy makes the caller need the customer's grant (R-RES-2, R-SUP-1), the
	// grant is confirmed in the database for every read, masked or not, so that a grant
	// that ended on any instance refuses the very next read.
	abroad := location == "abroad"
	role, _ := policy.ParseRole(string(by.Role))
	needGrant := s.Policy.GrantRequired(role, cat, abroad)
	var grantID string
	if needGrant && s.Grants != nil {
		if grantID, err = s.Grants.Confirm(ctx, by, sub.TenantID, category, purpose, s.now()); err != nil {
			return nil, err
		}
	}
	if needGrant && grantID == "" && purpose == "" {
		// Even the masked form shows something of the data: no grant, no access.
		return nil, s.deny(ctx, by, sub, s.Policy.GrantDenial(role, cat, abroad), category, "")
	}
	var redactedOnly bool
	var d policy.Decision
	if purpose != "" {
		p, ok := s.Policy.PurposeByName(purpose)
		if !ok {
			return nil, custos.FieldError(custos.KindInvalid, "purpose", "not a declared purpose")
		}
		prof, err := s.profile(ctx, sub)
		if err != nil {
			return nil, err
		}
		q, err := s.question(ctx, sub, prof, by, cat, p)
		if err != nil {
			return nil, err
		}
		q.ActorAbroad = abroad
		q.HasGrant = grantID != ""
		d = s.Policy.Decide(&q)
		if !d.Allow {
			return nil, s.deny(ctx, by, sub, d, category, purpose)
		}
		view.Masked, view.Purpose, view.Decision = false, purpose, &d
		redactedOnly = s.Policy.Redacted(cat, p)
	}
	dk, err := s.recordKey(ctx, rec)
	if err != nil {
		return nil, err
	}
	sealed, ad := rec.Sealed, recordAD(subjectID, category)
	if redactedOnly && len(rec.Redacted) > 0 {
		sealed, ad, view.Redacted = rec.Redacted, redactedAD(subjectID, category), true
	}
	plain, err := dk.Open(sealed, ad)
	if err != nil {
		return nil, custos.Internal(fmt.Errorf("open record %s/%s: %w", subjectID, category, err))
	}
	if err := json.Unmarshal(plain, &view.Fields); err != nil {
		return nil, custos.Internal(err)
	}
	if view.Masked {
		for name, v := range view.Fields {
			f, _ := s.Policy.Field(cat, name)
			view.Fields[name] = maskField(f, v)
		}
		if grantID != "" {
			ev := event(by, "record.read_masked", sub.TenantID, subjectID, "record/"+subjectID+"/"+category, grantRIDs(abroad)...)
			ev.Details = map[string]string{"category": category, "grant": grantID}
			if err := s.recordGrantRead(ctx, by, sub, grantID, category, "", true, s.Policy.Sensitive(cat), ev); err != nil {
				return nil, err
			}
		}
		return view, nil
	}
	// Every unmasked read is audited with its purpose, before the data leaves.
	ev := event(by, "record.read", sub.TenantID, subjectID, "record/"+subjectID+"/"+category, d.RID)
	ev.Details = map[string]string{"category": category, "purpose": purpose, "basis": d.Basis.String()}
	if view.Redacted {
		ev.Details["redacted"] = "true"
	}
	if grantID != "" {
		// A read under the customer's grant is also listed to the customer (R-RES-2).
		ev.RIDs = append(ev.RIDs, grantRIDs(abroad)...)
		ev.Details["grant"] = grantID
		if err := s.recordGrantRead(ctx, by, sub, grantID, category, purpose, false, d.Sensitive, ev); err != nil {
			return nil, err
		}
		return view, nil
	}
	if _, err := s.Store.Append(ctx, ev); err != nil {
		return nil, err
	}
	return view, nil
}

// grantRIDs are the requirements a read under a grant serves.
func grantRIDs(abroad bool) []string {
	if abroad {
		return []string{"R-RES-2", "R-RES-3", "R-SUP-1"}
	}
	return []string{"R-RES-2", "R-SUP-1"}
}

func (s *Service) recordGrantRead(ctx context.Context, by auth.Principal, sub *Subject, grantID, category, purpose string, masked, sensitive bool, ev *auditlog.Event) error {
	return s.Grants.RecordRead(ctx, GrantRead{GrantID: grantID, By: by, TenantID: sub.TenantID, Category: category,
		Purpose: purpose, Masked: masked, Sensitive: sensitive, SubjectIDs: []string{sub.ID}, At: s.now()}, ev)
}

// deny returns the error of a refused read, auditing it when the data is sensitive, as
// every denial of sensitive data is.
func (s *Service) deny(ctx context.Context, by auth.Principal, sub *Subject, d policy.Decision, category, purpose string) error {
	if d.Sensitive {
		ev := event(by, "decision.deny", sub.TenantID, sub.ID, "record/"+sub.ID+"/"+category, d.RID)
		ev.Details = map[string]string{"category": category, "purpose": purpose, "reason": d.Reason.String()}
		if _, err := s.Store.Append(ctx, ev); err != nil {
			return err
		}
	}
	return &DeniedError{Decision: d}
}

// DeniedError is a purpose the decision engine refused.
type DeniedError struct{ Decision policy.Decision }

func (e *DeniedError) Error() string {
	return "purpose refused: " + e.Decision.Reason.String() + " (" + e.Decision.RID + ")"
}

// Unwrap makes a denial a forbidden error for the HTTP layer.
func (e *DeniedError) Unwrap() error {
	return custos.Errorf(custos.KindDenied, "%s (%s)", e.Decision.Reason.Message("en"), e.Decision.RID)
}

// VerifyRealName marks a tenant's real-name data verified, after checking that the named
// subject's real-name record exists and passes its validators (R-PUR-3). From then on the
// record can be changed only by an operator (R-DSR-2).
func (s *Service) VerifyRealName(ctx context.Context, by auth.Principal, tenantID, subjectID string) error {
	sub, err := s.loadSubject(ctx, by, subjectID)
	if err != nil {
		return err
	}
	if sub.TenantID != tenantID {
		return custos.FieldError(custos.KindUnprocessable, "subject_id", "not a subject of this tenant")
	}
	rec, err := s.Store.Record(ctx, subjectID, "real_name_data")
	if custos.KindOf(err) == custos.KindNotFound {
		return custos.FieldError(custos.KindUnprocessable, "subject_id", "the subject has no real-name data to verify")
	} else if err != nil {
		return err
	}
	dk, err := s.recordKey(ctx, rec)
	if err != nil {
		return err
	}
	plain, err := dk.Open(rec.Sealed, recordAD(subjectID, "real_name_data"))
	if err != nil {
		return custos.Internal(err)
	}
	var fields map[string]string
	_ = json.Unmarshal(plain, &fields)
	if fields["id_number"] == "" && fields["business_licence_code"] == "" {
		return custos.FieldError(custos.KindUnprocessable, "subject_id", "real-name data needs a resident ID number or a business licence code")
	}
	now := s.now()
	if err := s.Store.SetRecordVerified(ctx, subjectID, "real_name_data", now); err != nil {
		return err
	}
	return s.Store.SetTenantRealName(ctx, tenantID, subjectID, now,
		event(by, "tenant.real_name_verified", tenantID, subjectID, "tenant/"+tenantID, "R-PUR-3", "R-DSR-2"))
}

// question builds the decision engine's facts for a stored subject and an acting principal.
func (s *Service) question(ctx context.Context, sub *Subject, prof Profile, by auth.Principal, cat policy.Category, p policy.Purpose) (policy.Question, error) {
	var q policy.Question
	role, ok := policy.ParseRole(string(by.Role))
	if !ok {
		return q, custos.Errorf(custos.KindForbidden, "role %s cannot act on subjects", by.Role)
	}
	state, ok := policy.ParseState(sub.State)
	if !ok {
		return q, custos.Internal(fmt.Errorf("subject %s has unknown state", sub.ID))
	}
	t, err := s.Store.Tenant(ctx, sub.TenantID)
	if err != nil {
		return q, err
	}
	history, err := s.Consents.ConsentHistory(ctx, sub.ID)
	if err != nil {
		return q, err
	}
	q = policy.Question{
		Role: role, ActorTenant: by.Tenant, Category: cat, Purpose: p,
		SubjectTenant: sub.TenantID, State: state, RealNameVerified: !t.RealNameVerifiedAt.IsZero(),
	}
	if a := age(prof.BirthDate, s.now()); a >= 0 {
		q.Minor, q.Under14 = a < 18, a < 14
	}
	consent.Apply(s.Policy, consent.Current(history), &q)
	return q, nil
}

// Decide answers the decision engine's question for a stored subject: its state, age,
// tenant's real-name verification and current consents come from custos's own records.
func (s *Service) Decide(ctx context.Context, by auth.Principal, location, subjectID, category, purpose string) (policy.Decision, error) {
	cat, ok := s.Policy.CategoryByName(category)
	if !ok {
		return policy.Decision{}, custos.FieldError(custos.KindInvalid, "category", "not a declared category")
	}
	p, ok := s.Policy.PurposeByName(purpose)
	if !ok {
		return policy.Decision{}, custos.FieldError(custos.KindInvalid, "purpose", "not a declared purpose")
	}
	sub, err := s.loadSubject(ctx, by, subjectID)
	if err != nil {
		return policy.Decision{}, err
	}
	prof, err := s.profile(ctx, sub)
	if err != nil {
		return policy.Decision{}, err
	}
	q, err := s.question(ctx, sub, prof, by, cat, p)
	if err != nil {
		return policy.Decision{}, err
	}
	q.ActorAbroad = location == "abroad"
	// The decision reads the grant from memory; the read that may follow confirms it in the
	// database (GetRecord).
	if s.Grants != nil && s.Policy.GrantRequired(q.Role, cat, q.ActorAbroad) {
		q.HasGrant = s.Grants.Holds(by, sub.TenantID, cat, p, s.now())
	}
	d := s.Policy.Decide(&q)
	if !d.Allow && d.Sensitive {
		ev := event(by, "decision.deny", sub.TenantID, subjectID, "subject/"+subjectID, d.RID)
		ev.Details = map[string]string{"category": category, "purpose": purpose, "reason": d.Reason.String()}
		if _, err := s.Store.Append(ctx, ev); err != nil {
			return d, err
		}
	}
	return d, nil
}
