package policy

// The types in this file mirror the YAML format one to one (docs/policy.md describes it, and
// schema.json is its machine-readable form). They hold names as the document spells them;
// Compile resolves the names into the compact IDs that Decide works on.

// Document is a parsed policy: the privacy statement as data.
type Document struct {
	Statement    Statement      `json:"statement"`
	Bases        []BasisDecl    `json:"bases"`
	Purposes     []PurposeDecl  `json:"purposes"`
	Categories   []CategoryDecl `json:"categories"`
	Recipients   []Recipient    `json:"recipients,omitempty"`
	MessageTypes []MessageType  `json:"message_types"`
	Access       []AccessRule   `json:"access,omitempty"`
	// AccessGrants limits supervised access (grants.go).
	AccessGrants *AccessGrantsDecl `json:"access_grants,omitempty"`

	// Where the document came from, so that Compile can point at lines too. Both are empty for
	// a document built in Go.
	file string
	pos  positions
}

// Text is a description in the two languages the statement and the console use.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Statement names the statement and keeps its version history (R-NOT-1).
type Statement struct {
	Name      Text       `json:"name"`
	Operator  string     `json:"operator"`
	Current   string     `json:"current"`
	Versions  []Version  `json:"versions"`
	Deadlines []Deadline `json:"deadlines,omitempty"`
	RIDs      []string   `json:"rids"`
}

// Version is one published version of the statement and its "last updated" month.
type Version struct {
	Version string   `json:"version"`
	Date    string   `json:"date"` // YYYY-MM, as the statement's history gives it
	RIDs    []string `json:"rids"`
}

// Deadline is a named time limit the statement sets or leaves to the operator, such as the
// 30 days to answer a subject (R-DSR-6) or the notice before a service ends (R-RET-4).
type Deadline struct {
	Name        string   `json:"name"`
	Duration    string   `json:"duration"`
	Description Text     `json:"description"`
	RIDs        []string `json:"rids"`
}

// BasisDecl declares a legal basis for processing (PIPL art. 13; R-SHR-7). Its name must be
// one the engine knows, because the engine gives consent and legal_duty their own rules.
type BasisDecl struct {
	Name        string   `json:"name"`
	Description Text     `json:"description"`
	RIDs        []string `json:"rids"`
}

// PurposeDecl declares a purpose of processing and how the engine must treat it.
type PurposeDecl struct {
	Name        string `json:"name"`
	Description Text   `json:"description"`
	// Service marks using the services themselves, which needs a real-name verified account
	// (R-PUR-3).
	Service bool `json:"service,omitempty"`
	// RetainedUse marks what may still happen to a cancelled account's data while it is kept
	// as law requires: storing, securing it, meeting a legal duty (R-RET-2).
	RetainedUse bool `json:"retained_use,omitempty"`
	// RequiresSeparateConsent marks purposes that need 单独同意 (PIPL art. 23, 25, 29, 39):
	// giving personal information to another handler, transfer abroad.
	RequiresSeparateConsent bool     `json:"requires_separate_consent,omitempty"`
	RIDs                    []string `json:"rids"`
}

// CategoryDecl declares a category of personal information (R-INV-1).
type CategoryDecl struct {
	Name        string `json:"name"`
	Description Text   `json:"description"`
	// Sensitive marks 敏感个人信息 (R-INV-2): consents for it must be separate ones.
	Sensitive bool `json:"sensitive"`
	// MainlandOnly forbids recipients outside mainland China (R-RES-1); access from abroad
	// then goes through access grants only (R-RES-2).
	MainlandOnly bool              `json:"mainland_only,omitempty"`
	Fields       []Field           `json:"fields"`
	Regions      []string          `json:"regions"`
	Purposes     []CategoryPurpose `json:"purposes"`
	Retention    Retention         `json:"retention"`
	RIDs         []string          `json:"rids"`
}

// Field kinds.
const (
	KindIdentifier   = "identifier"    // identifies a person: tokenised for lookups, masked on read
	KindSecurityCode = "security_code" // a payment instrument's security code: never stored (R-PAY-1)
	KindPlain        = "plain"         // anything else
)

// Field is one piece of information within a category.
type Field struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Validator names the check-digit or format rule the vault and the PI scanner apply.
	Validator string `json:"validator,omitempty"`
	// Storable defaults to true, and to false for a security code, which may never be true.
	Storable *bool `json:"storable,omitempty"`
	// Anonymise says what anonymisation keeps of the field (R-RET-3; docs/retention.md):
	// drop (the default), keep, redact, year, province or ip_prefix.
	Anonymise string   `json:"anonymise,omitempty"`
	RIDs      []string `json:"rids,omitempty"`
}

// IsStorable reports whether values of the field may be written anywhere.
func (f Field) IsStorable() bool {
	if f.Kind == KindSecurityCode {
		return false
	}
	return f.Storable == nil || *f.Storable
}

// CategoryPurpose declares a purpose for a category together with its legal basis (R-PUR-1).
type CategoryPurpose struct {
	Purpose string `json:"purpose"`
	Basis   string `json:"basis"`
	// Redacted says the purpose reads only the redacted text of the category's free-text
	// fields, with every PI the scanner finds replaced by its type (R-SUP-4).
	Redacted bool     `json:"redacted,omitempty"`
	RIDs     []string `json:"rids"`
}

// Retention gives, per lifecycle state, how long a category is kept and what happens then.
type Retention struct {
	Active    *RetentionDecl `json:"active,omitempty"`
	Trial     *RetentionDecl `json:"trial,omitempty"`
	Cancelled *RetentionDecl `json:"cancelled,omitempty"`
}

// RetentionDecl is one retention rule as written: an ISO 8601 duration (P3Y, P6M, P30D) or
// "while_active", and the action at expiry.
type RetentionDecl struct {
	Duration string   `json:"duration"`
	Action   string   `json:"action"`
	RIDs     []string `json:"rids"`
}

// Recipient is a party that receives personal information from the operator (R-SHR-1/2/5,
// R-RES-3, R-AGENT-1).
type Recipient struct {
	Name       string   `json:"name"`
	LegalName  string   `json:"legal_name"`
	Kind       string   `json:"kind"`
	Country    string   `json:"country"` // ISO 3166-1 alpha-2; CN is mainland China
	Purposes   []string `json:"purposes"`
	Categories []string `json:"categories"`
	Contract   string   `json:"contract"`
	RIDs       []string `json:"rids"`
}

// MessageType is a kind of message the operator sends (R-COM-1/2/3).
type MessageType struct {
	Name           string   `json:"name"`
	Description    Text     `json:"description"`
	Purpose        string   `json:"purpose"`
	Unsubscribable bool     `json:"unsubscribable"`
	RIDs           []string `json:"rids"`
}

// AccessRule constrains staff access to a category (R-RES-2, R-SUP-1).
type AccessRule struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Category string `json:"category"`
	// Location is where the actor is: "cn" (mainland China), "abroad", or "any" (the default).
	Location      string `json:"location,omitempty"`
	RequiresGrant bool   `json:"requires_grant"`
	// Purposes, when given, are the only purposes the access may serve.
	Purposes []string `json:"purposes,omitempty"`
	RIDs     []string `json:"rids"`
}
