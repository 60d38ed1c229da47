package policy

import (
	"strconv"
)

// Facts is a Question in the words of the outside world: names instead of IDs, as the HTTP API
// receives them and as the YAML decision cases under testdata/decisions write them.
//
//	{"actor":{"role":"support-engineer","tenant":"t1","location":"cn",
//	          "grants":[{"tenant":"t1","category":"customer_data"}]},
//	 "subject":{"tenant":"t1","state":"active","minor":false,"under_14":false,
//	            "guardian_consent":false,"real_name_verified":true,
//	            "consents":[{"purpose":"marketing","category":"administrator_data","separate":true}]},
//	 "category":"administrator_data","purpose":"marketing"}
type Facts struct {
	Actor    ActorFacts   `json:"actor"`
	Subject  SubjectFacts `json:"subject"`
	Category string       `json:"category"`
	Purpose  string       `json:"purpose"`
}

// ActorFacts is who asks.
type ActorFacts struct {
	Role   string `json:"role"`
	Tenant string `json:"tenant,omitempty"`
	// Location is "cn" (mainland China) or "abroad". It has no default: treating an actor of
	// unknown location as domestic would skip the rules for access from abroad (R-RES-2).
	Location string `json:"location"`
	// Grants are the actor's active access grants. Only their scope is given here; whether a
	// grant is active (approved, not expired, ticket open) is for the access service to say.
	Grants []GrantFacts `json:"grants,omitempty"`
}

// GrantFacts is the scope of one active access grant.
type GrantFacts struct {
	Tenant   string `json:"tenant"`
	Category string `json:"category"`
}

// SubjectFacts is whose data it is, and what they have agreed to.
type SubjectFacts struct {
	Tenant           string         `json:"tenant"`
	State            string         `json:"state"`
	Minor            bool           `json:"minor"`
	Under14          bool           `json:"under_14"`
	GuardianConsent  bool           `json:"guardian_consent"`
	RealNameVerified bool           `json:"real_name_verified"`
	Consents         []ConsentFacts `json:"consents,omitempty"`
}

// ConsentFacts is one consent in force. Without a category it covers every category.
type ConsentFacts struct {
	Purpose  string `json:"purpose"`
	Category string `json:"category,omitempty"`
	Separate bool   `json:"separate"`
}

// FieldError is bad input in Facts. Field is the JSON path of the offending field, such as
// "subject.consents[2].purpose"; the value itself is never repeated, since facts may carry
// personal information and errors end up in logs and problem documents.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	return e.Field + ": " + e.Reason
}

// Resolve translates f into q, replacing all of q. Names unknown to the policy are bad input
// (a FieldError), not a denial: a caller asking about a category that does not exist has a bug
// to fix, and telling it which field is wrong helps more than a "no".
func (e *Engine) Resolve(f *Facts, q *Question) error {
	*q = Question{}
	var ok bool
	if q.Role, ok = ParseRole(f.Actor.Role); !ok {
		return fieldErr("actor.role", f.Actor.Role, "unknown role")
	}
	switch f.Actor.Location {
	case "cn":
	case "abroad":
		q.ActorAbroad = true
	case "":
		return &FieldError{Field: "actor.location", Reason: "required: cn or abroad"}
	default:
		return &FieldError{Field: "actor.location", Reason: "want cn or abroad"}
	}
	if q.Role == RoleCustomerAdmin && f.Actor.Tenant == "" {
		return &FieldError{Field: "actor.tenant", Reason: "required for a customer-admin"}
	}
	q.ActorTenant = f.Actor.Tenant
	if q.Category, ok = e.CategoryByName(f.Category); !ok {
		return fieldErr("category", f.Category, "unknown category")
	}
	if q.Purpose, ok = e.PurposeByName(f.Purpose); !ok {
		return fieldErr("purpose", f.Purpose, "unknown purpose")
	}
	for i, g := range f.Actor.Grants {
		gc, ok := e.CategoryByName(g.Category)
		if !ok {
			return fieldErr("actor.grants["+strconv.Itoa(i)+"].category", g.Category, "unknown category")
		}
		if g.Tenant == "" {
			return &FieldError{Field: "actor.grants[" + strconv.Itoa(i) + "].tenant", Reason: "required"}
		}
		if g.Tenant == f.Subject.Tenant && gc == q.Category {
			q.HasGrant = true
		}
	}

	s := &f.Subject
	q.SubjectTenant = s.Tenant
	if q.State, ok = ParseState(s.State); !ok {
		return fieldErr("subject.state", s.State, "unknown state")
	}
	q.Minor = s.Minor || s.Under14
	q.Under14 = s.Under14
	q.GuardianConsent = s.GuardianConsent
	q.RealNameVerified = s.RealNameVerified
	for i, c := range s.Consents {
		p, ok := e.PurposeByName(c.Purpose)
		if !ok {
			return fieldErr("subject.consents["+strconv.Itoa(i)+"].purpose", c.Purpose, "unknown purpose")
		}
		if c.Category == "" {
			q.Consents.GrantAll(p, c.Separate)
			continue
		}
		cat, ok := e.CategoryByName(c.Category)
		if !ok {
			return fieldErr("subject.consents["+strconv.Itoa(i)+"].category", c.Category, "unknown category")
		}
		q.Consents.Grant(cat, p, c.Separate)
	}
	return nil
}

// fieldErr distinguishes a missing name from a wrong one without repeating the value.
func fieldErr(field, value, reason string) *FieldError {
	if value == "" {
		return &FieldError{Field: field, Reason: "required"}
	}
	return &FieldError{Field: field, Reason: reason}
}

// DecideFacts resolves f and decides, for callers that hold Facts (the HTTP API, tests).
func (e *Engine) DecideFacts(f *Facts) (Decision, error) {
	var q Question
	if err := e.Resolve(f, &q); err != nil {
		return Decision{}, err
	}
	return e.Decide(&q), nil
}
