package policy

// Question is one question to the engine: may this actor use this category of this subject's
// data for this purpose, now? It is a plain value (no slices, maps or pointers to follow), so a
// caller can keep one per goroutine and ask with it without allocating. Resolve fills one from
// JSON-facing Facts.
type Question struct {
	Role        Role
	ActorTenant string // the actor's own tenant; matters for customer-admin
	ActorAbroad bool   // the actor is outside mainland China (R-RES-2)

	Category Category
	Purpose  Purpose

	SubjectTenant    string
	State            State
	Minor            bool // under 18 (R-MIN-1)
	Under14          bool // under 14: PIPL art. 28 makes all of a child's PI sensitive
	GuardianConsent  bool // a guardian consented to the minor's use of the services
	RealNameVerified bool // the subject's account passed real-name verification (R-PUR-3)
	Consents         Consents
	// HasGrant says the actor holds an active access grant, from the customer, covering the
	// subject's tenant and this category (R-RES-2, R-SUP-1).
	HasGrant bool
}

// Category is a compiled category ID: the category's index in the policy document.
type Category uint8

// Purpose is a compiled purpose ID: the purpose's index in the policy document.
type Purpose uint8

// Consents is the set of consents a subject has given, as a fixed-size value so that a
// Question can carry it without a pointer or an allocation. A consent is for a purpose, either
// for one category or for any category, and either ordinary (明示同意) or separate (单独同意).
// A separate consent also counts wherever an ordinary one is enough.
//
// The consent ledger is the record of truth; this is the view of it that one decision needs.
type Consents struct {
	ordinary    [MaxCategories]uint64 // bit p of [c]: ordinary consent to purpose p for category c
	separate    [MaxCategories]uint64 // bit p of [c]: separate consent to purpose p for category c
	anyOrdinary uint64                // bit p: ordinary consent to purpose p for every category
	anySeparate uint64                // bit p: separate consent to purpose p for every category
}

// Grant records a consent to purpose p for category c. It reports false, and records nothing,
// for IDs beyond the engine's limits.
func (cs *Consents) Grant(c Category, p Purpose, separate bool) bool {
	if c >= MaxCategories || p >= MaxPurposes {
		return false
	}
	bit := uint64(1) << p
	cs.ordinary[c] |= bit
	if separate {
		cs.separate[c] |= bit
	}
	return true
}

// GrantAll records a consent to purpose p for every category.
func (cs *Consents) GrantAll(p Purpose, separate bool) bool {
	if p >= MaxPurposes {
		return false
	}
	bit := uint64(1) << p
	cs.anyOrdinary |= bit
	if separate {
		cs.anySeparate |= bit
	}
	return true
}

// Has reports whether the subject consented to purpose p for category c; with separate, only
// a separate consent counts.
func (cs *Consents) Has(c Category, p Purpose, separate bool) bool {
	if c >= MaxCategories || p >= MaxPurposes {
		return false
	}
	bit := uint64(1) << p
	if separate {
		return (cs.separate[c]|cs.anySeparate)&bit != 0
	}
	return (cs.ordinary[c]|cs.anyOrdinary)&bit != 0
}

// Reset forgets every consent.
func (cs *Consents) Reset() {
	*cs = Consents{}
}
