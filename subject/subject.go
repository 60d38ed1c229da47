// Package subject holds custos's personal information: tenants (customer accounts), the
// subjects whose PI custos keeps, and their records, one per declared category.
//
// Every record and profile is sealed with the subject's own data key (package vault) before
// it reaches a store, and lookups go through keyed tokens, never plaintext. Erasing a
// subject destroys its key, so every copy of its data, backups included, stops decrypting.
// Reads are masked unless the decision engine allows the caller's purpose. This package
// must never log, return in an error, or audit a PI value: identifiers and field names only.
package subject

import (
	"context"
	"time"

	"custos.dev/custos/auditlog"
)

// Kind is what a subject is to the operator.
type Kind string

const (
	KindCustomerAdministrator Kind = "customer_administrator"
	KindEndUser               Kind = "end_user"
	KindIndividualCustomer    Kind = "individual_customer"
)

// Kinds lists every kind.
var Kinds = []Kind{KindCustomerAdministrator, KindEndUser, KindIndividualCustomer}

// Tenant is a customer account.
type Tenant struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	RealNameSubject    string    `json:"real_name_subject,omitempty"`
	RealNameVerifiedAt time.Time `json:"real_name_verified_at,omitzero"`
	CreatedAt          time.Time `json:"created_at"`
}

// Subject is a natural person; Profile is sealed.
type Subject struct {
	ID        string
	TenantID  string
	Kind      Kind
	State     string
	Region    string
	Profile   []byte // sealed Profile JSON
	CreatedAt time.Time
	ErasedAt  time.Time
}

// Profile is what custos knows of a subject beyond its records, sealed at rest.
type Profile struct {
	BirthDate string `json:"birth_date,omitempty"` // YYYY-MM-DD
	Email     string `json:"email,omitempty"`
	Mobile    string `json:"mobile,omitempty"`
}

// Record is one category of a subject's PI, sealed.
type Record struct {
	SubjectID string
	Category  string
	Region    string
	Sealed    []byte
	// Redacted is the sealed copy with every PI finding of free-text fields replaced by its
	// type; PIIFound is the JSON map of field → PI types found (no values).
	Redacted []byte
	PIIFound string
	// KeyScope says which data key sealed the record: KeyScopeCategory (the key of this
	// subject's category) or KeyScopeSubject (the subject's key; records written before
	// category keys existed).
	KeyScope   string
	VerifiedAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Key scopes of a record.
const (
	KeyScopeSubject  = "subject"
	KeyScopeCategory = "category"
)

// CategoryKeyID is the key-store id of the data key sealing one category of a subject's
// records. Destroying it deletes that category everywhere, backups included.
func CategoryKeyID(subjectID, category string) string { return subjectID + "/" + category }

// LookupToken finds a subject by a keyed token of one of its identifiers.
type LookupToken struct {
	Kind  string // email, mobile, id_number
	Token string
}

// Store keeps tenants, subjects, records and lookup tokens. Every change appends its audit
// event in the same transaction.
type Store interface {
	CreateTenant(ctx context.Context, t *Tenant, ev *auditlog.Event) error
	Tenant(ctx context.Context, id string) (*Tenant, error)
	SetTenantRealName(ctx context.Context, tenantID, subjectID string, at time.Time, ev *auditlog.Event) error

	CreateSubject(ctx context.Context, s *Subject, tokens []LookupToken, ev *auditlog.Event) error
	Subject(ctx context.Context, id string) (*Subject, error)
	FindByToken(ctx context.Context, kind, token string) ([]string, error)
	// SubjectsOfKind lists a tenant's subjects of one kind, erased ones included.
	SubjectsOfKind(ctx context.Context, tenantID string, kind Kind) ([]*Subject, error)

	// PutRecord inserts or replaces a record and its lookup tokens (replacing the tokens
	// the record's category had); it reports whether the record is new.
	PutRecord(ctx context.Context, r *Record, tokens []LookupToken, ev *auditlog.Event) (created bool, err error)
	Record(ctx context.Context, subjectID, category string) (*Record, error)
	SetRecordVerified(ctx context.Context, subjectID, category string, at time.Time) error

	// EraseSubject removes the subject's records and lookup tokens and marks it erased;
	// its key is destroyed first, in the key store.
	EraseSubject(ctx context.Context, id string, at time.Time, ev *auditlog.Event) error

	// Audit appends events that record no change (unmasked reads).
	Append(ctx context.Context, events ...*auditlog.Event) (auditlog.SignedCheckpoint, error)
}

// KeyStore keeps the wrapped data keys, apart from the data store: its own SQLite file or
// PostgreSQL schema, so a copy of the data store alone decrypts nothing.
type KeyStore interface {
	PutKey(ctx context.Context, subjectID string, wrapped []byte) error
	Key(ctx context.Context, subjectID string) ([]byte, error)
	// DestroyKey deletes the key so that it cannot be recovered from the store's files.
	DestroyKey(ctx context.Context, subjectID string) error
}
