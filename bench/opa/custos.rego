# The default policy's decision rules (custos policy.Engine.Decide, docs/policy.md "Decisions")
# in Rego, over the same JSON facts. The policy's tables come in as data.policy, generated from
# the same default.yaml. Each `else` is the next rule: the first one that holds decides.
package custos.decide

roles := {"operator-admin", "privacy-officer", "support-engineer", "auditor", "customer-admin", "service"}

states := {"active", "trial", "cancelled", "legal_hold", "erased"}

cat := data.policy.categories[input.category]

purp := data.policy.purposes[input.purpose]

decl := cat.purposes[input.purpose]

minor if input.subject.minor

minor if input.subject.under_14

sensitive if cat.sensitive

sensitive if input.subject.under_14

legal_duty_basis if decl.basis == "legal_duty"

loc := "abroad" if input.actor.location == "abroad"

loc := "cn" if input.actor.location != "abroad"

access_rule := data.policy.access[input.actor.role][input.category][loc]

access_rid := "R-RES-2" if input.actor.location == "abroad"

access_rid := access_rule.rid if input.actor.location != "abroad"

has_grant if {
	some g in input.actor.grants
	g.tenant == input.subject.tenant
	g.category == input.category
}

matching_consents contains c if {
	some c in input.subject.consents
	c.purpose == input.purpose
	object.get(c, "category", "") in {"", input.category}
}

has_consent if count(matching_consents) > 0

has_separate if {
	some c in matching_consents
	c.separate
}

need_separate if sensitive

need_separate if purp.requires_separate_consent

consent_rid := decl.rid if decl

consent_rid := "R-PUR-2" if not decl

decision := {"allow": false, "reason": "unknown_role", "rid": ""} if {
	not input.actor.role in roles
} else := {"allow": false, "reason": "unknown_state", "rid": ""} if {
	not input.subject.state in states
} else := {"allow": false, "reason": "unknown_category", "rid": "R-INV-1"} if {
	not cat
} else := {"allow": false, "reason": "unknown_purpose", "rid": "R-PUR-2"} if {
	not purp
} else := {"allow": false, "reason": "subject_erased", "rid": "R-RET-3"} if {
	input.subject.state == "erased"
} else := {"allow": false, "reason": "other_tenant", "rid": "R-INV-3"} if {
	input.actor.role == "customer-admin"
	input.actor.tenant != input.subject.tenant
} else := {"allow": false, "reason": "account_cancelled", "rid": "R-RET-2"} if {
	input.subject.state == "cancelled"
	not purp.retained_use
} else := {"allow": false, "reason": "legal_hold", "rid": "R-RET-2"} if {
	input.subject.state == "legal_hold"
	not purp.retained_use
} else := {"allow": false, "reason": "guardian_consent_required", "rid": "R-MIN-1"} if {
	minor
	not input.subject.guardian_consent
	not legal_duty_basis
} else := {"allow": false, "reason": "access_grant_required", "rid": access_rid} if {
	access_rule.requires_grant
	not has_grant
} else := {"allow": false, "reason": "access_purpose_not_allowed", "rid": access_rid} if {
	count(access_rule.purposes) > 0
	not input.purpose in access_rule.purposes
} else := {"allow": false, "reason": "real_name_required", "rid": "R-PUR-3"} if {
	purp.service
	not input.subject.real_name_verified
} else := {"allow": true, "reason": "declared_purpose", "rid": decl.rid} if {
	decl.basis != "consent"
} else := {"allow": true, "reason": "separate_consent", "rid": consent_rid} if {
	need_separate
	has_separate
} else := {"allow": false, "reason": "separate_consent_required", "rid": consent_rid} if {
	need_separate
} else := {"allow": true, "reason": "consent", "rid": consent_rid} if {
	has_consent
} else := {"allow": false, "reason": "consent_required", "rid": consent_rid}
