package policy

import "strconv"

// Decision is the engine's answer. RID names the requirement that decided it, a constant from
// the compiled tables. Sensitive says the data is sensitive PI, so that the caller audits even
// an allowed use.
type Decision struct {
	Allow     bool
	Reason    Reason
	Basis     Basis
	RID       string
	Sensitive bool
}

// R-IDs of the rules that are part of the engine rather than of a document.
const (
	ridInventory = "R-INV-1"
	ridUndecl    = "R-PUR-2"
	ridErased    = "R-RET-3"
	ridTenant    = "R-INV-3"
	ridCancelled = "R-RET-2"
	ridMinor     = "R-MIN-1"
	ridAbroad    = "R-RES-2"
	ridRealName  = "R-PUR-3"
)

// Decide answers q. The rules apply in this order, and the first that decides wins
// (docs/policy.md explains each):
//
//  1. an unknown role, state, category or purpose is denied;
//  2. an erased subject's data is denied (R-RET-3);
//  3. a customer-admin acting on another tenant is denied (R-INV-3);
//  4. a cancelled account, or one on legal hold, allows only retained-use purposes (R-RET-2);
//  5. a minor without a guardian's consent allows only purposes whose basis is legal_duty
//     (R-MIN-1); a child under 14 makes the category sensitive;
//  6. an access rule for the actor's role, category and location: without a grant, or for a
//     purpose it does not list, denied (R-RES-2 from abroad, else the rule's R-ID);
//  7. a service purpose before real-name verification is denied (R-PUR-3);
//  8. a purpose declared for the category is allowed on its basis (R-PUR-1), except that a
//     consent basis needs the consent: a separate one if the category is sensitive or the
//     purpose requires it;
//  9. any other purpose needs a consent (R-PUR-2), a separate one under the same conditions.
//
// Decide is pure and does not allocate.
func (e *Engine) Decide(q *Question) Decision {
	if !q.Role.valid() {
		return Decision{Reason: ReasonUnknownRole}
	}
	if !q.State.valid() {
		return Decision{Reason: ReasonUnknownState}
	}
	if int(q.Category) >= e.nCats {
		return Decision{Reason: ReasonUnknownCategory, RID: ridInventory}
	}
	if int(q.Purpose) >= e.nPurps {
		return Decision{Reason: ReasonUnknownPurpose, RID: ridUndecl}
	}
	c, p := q.Category, q.Purpose
	bit := uint64(1) << p
	minor := q.Minor || q.Under14
	sensitive := e.sensitive&(1<<c) != 0 || q.Under14
	deny := func(r Reason, rid string) Decision {
		return Decision{Reason: r, RID: rid, Sensitive: sensitive}
	}

	if q.State == StateErased {
		return deny(ReasonSubjectErased, ridErased)
	}
	if q.Role == RoleCustomerAdmin && q.ActorTenant != q.SubjectTenant {
		return deny(ReasonOtherTenant, ridTenant)
	}
	if e.retained&bit == 0 {
		switch q.State {
		case StateCancelled:
			return deny(ReasonAccountCancelled, ridCancelled)
		case StateLegalHold:
			return deny(ReasonLegalHold, ridCancelled)
		}
	}
	d := e.decl[int(c)*MaxPurposes+int(p)]
	if minor && !q.GuardianConsent && !(d.ok && d.basis == BasisLegalDuty) {
		return deny(ReasonGuardianConsentRequired, ridMinor)
	}
	loc := inChina
	if q.ActorAbroad {
		loc = abroad
	}
	if a := &e.access[q.Role][c][loc]; a.present {
		rid := a.rid
		if q.ActorAbroad {
			rid = ridAbroad
		}
		if a.requiresGrant && !q.HasGrant {
			return deny(ReasonAccessGrantRequired, rid)
		}
		if a.purposes != 0 && a.purposes&bit == 0 {
			return deny(ReasonAccessPurposeNotAllowed, rid)
		}
	}
	if e.service&bit != 0 && !q.RealNameVerified {
		return deny(ReasonRealNameRequired, ridRealName)
	}
	rid := ridUndecl
	if d.ok {
		if d.basis != BasisConsent {
			return Decision{Allow: true, Reason: ReasonDeclaredPurpose, Basis: d.basis, RID: d.rid, Sensitive: sensitive}
		}
		rid = d.rid
	}
	if sensitive || e.separate&bit != 0 {
		if q.Consents.Has(c, p, true) {
			return Decision{Allow: true, Reason: ReasonSeparateConsent, Basis: BasisConsent, RID: rid, Sensitive: sensitive}
		}
		return deny(ReasonSeparateConsentRequired, rid)
	}
	if q.Consents.Has(c, p, false) {
		return Decision{Allow: true, Reason: ReasonConsent, Basis: BasisConsent, RID: rid, Sensitive: sensitive}
	}
	return deny(ReasonConsentRequired, rid)
}

// AppendJSON appends the decision as a JSON object:
//
//	{"allow":true,"reason":"declared_purpose","basis":"contract","rid":"R-PUR-1","sensitive":false}
//
// It does not allocate when dst has room, so a server can reuse one buffer per connection.
// Every string in a Decision is a snake_case code or an R-ID that passed the catalogue check:
// plain ASCII, for which Go's quoting and JSON's agree.
func (d Decision) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"allow":`...)
	dst = strconv.AppendBool(dst, d.Allow)
	dst = append(dst, `,"reason":`...)
	dst = strconv.AppendQuote(dst, d.Reason.String())
	dst = append(dst, `,"basis":`...)
	dst = strconv.AppendQuote(dst, d.Basis.String())
	dst = append(dst, `,"rid":`...)
	dst = strconv.AppendQuote(dst, d.RID)
	dst = append(dst, `,"sensitive":`...)
	dst = strconv.AppendBool(dst, d.Sensitive)
	return append(dst, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (d Decision) MarshalJSON() ([]byte, error) {
	return d.AppendJSON(make([]byte, 0, 96)), nil
}
