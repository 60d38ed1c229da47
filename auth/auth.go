// Package auth is who may call custos: bearer tokens, the roles they carry and the tenant a
// customer administrator's token is bound to.
//
// Only a token's SHA-256 hash is ever stored; the secret is shown once, at creation, and
// must never be logged. Which role may call which endpoint is decided by the HTTP layer's
// route table; this package says who the caller is.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
)

// Role is what a token may do.
type Role string

const (
	RoleOperatorAdmin   Role = "operator-admin"
	RolePrivacyOfficer  Role = "privacy-officer"
	RoleSupportEngineer Role = "support-engineer"
	RoleAuditor         Role = "auditor"
	RoleCustomerAdmin   Role = "customer-admin" // bound to one tenant
)

// Roles lists every role, in the order the docs show them.
var Roles = []Role{RoleOperatorAdmin, RolePrivacyOfficer, RoleSupportEngineer, RoleAuditor, RoleCustomerAdmin}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// Token is a stored token, without its secret.
type Token struct {
	ID     string `json:"id"`
	Role   Role   `json:"role"`
	Tenant string `json:"tenant,omitempty"`
	Label  string `json:"label,omitempty"`
	// Location is where the holder works: cn (mainland China) or abroad (R-RES-2).
	Location  string    `json:"location"`
	CreatedAt time.Time `json:"created_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Principal is an authenticated caller.
type Principal struct {
	TokenID  string
	Role     Role
	Tenant   string
	Location string // cn or abroad
}

// Actor is how the principal appears in audit events.
func (p Principal) Actor() string {
	if p.TokenID == "" {
		return "cli"
	}
	return "token:" + p.TokenID
}

// InTenant keeps a customer's administrator within its own tenant (R-INV-3): it
// refuses one acting on another tenant; every other role passes.
func (p Principal) InTenant(tenantID string) error {
	if p.Role == RoleCustomerAdmin && p.Tenant != tenantID {
		return custos.Errorf(custos.KindForbidden, "a customer administrator acts only within its own tenant (R-INV-3)")
	}
	return nil
}

// System is the principal of the CLI and of background jobs acting on the operator's
// behalf; its audit events name the actor "cli".
var System = Principal{Role: RoleOperatorAdmin, Location: "cn"}

// Store keeps tokens. Each change appends its audit event in the same transaction.
type Store interface {
	CreateToken(ctx context.Context, t *Token, hash []byte, ev *auditlog.Event) error
	TokenByHash(ctx context.Context, hash []byte) (*Token, error)
	RevokeToken(ctx context.Context, id string, at time.Time, ev *auditlog.Event) error
	ListTokens(ctx context.Context) ([]Token, error)
}

const secretPrefix = "cst_"

// Service creates, revokes and checks tokens.
type Service struct {
	Store Store
	Now   func() time.Time
}

// NewService returns a Service over store with the real clock.
func NewService(store Store) *Service { return &Service{Store: store, Now: time.Now} }

// Create makes a new token and returns its secret, which is never stored.
func (s *Service) Create(ctx context.Context, by Principal, role Role, tenant, label, location string) (string, *Token, error) {
	if location == "" {
		location = "cn"
	}
	if location != "cn" && location != "abroad" {
		return "", nil, custos.FieldError(custos.KindInvalid, "location", "want cn or abroad")
	}
	if _, ok := ParseRole(string(role)); !ok {
		return "", nil, custos.FieldError(custos.KindInvalid, "role", "unknown role; want one of operator-admin, privacy-officer, support-engineer, auditor, customer-admin")
	}
	if role == RoleCustomerAdmin && tenant == "" {
		return "", nil, custos.FieldError(custos.KindInvalid, "tenant", "a customer-admin token must be bound to a tenant")
	}
	if role != RoleCustomerAdmin && tenant != "" {
		return "", nil, custos.FieldError(custos.KindInvalid, "tenant", "only customer-admin tokens are bound to a tenant")
	}
	if len(label) > 200 {
		return "", nil, custos.FieldError(custos.KindInvalid, "label", "longer than 200 bytes")
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, custos.Internal(err)
	}
	secret := secretPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	hash := Hash(secret)
	t := &Token{ID: hex.EncodeToString(hash[:8]), Role: role, Tenant: tenant, Label: label, Location: location, CreatedAt: s.Now().UTC()}
	ev := &auditlog.Event{Time: t.CreatedAt, Actor: by.Actor(), Role: string(by.Role), Action: "token.create",
		Tenant: tenant, Object: "token/" + t.ID, RIDs: []string{"R-SEC-1"}, Details: map[string]string{"role": string(role), "location": location}}
	if err := s.Store.CreateToken(ctx, t, hash, ev); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Revoke ends a token at once.
func (s *Service) Revoke(ctx context.Context, by Principal, id string) error {
	at := s.Now().UTC()
	ev := &auditlog.Event{Time: at, Actor: by.Actor(), Role: string(by.Role), Action: "token.revoke",
		Object: "token/" + id, RIDs: []string{"R-SEC-1"}}
	return s.Store.RevokeToken(ctx, id, at, ev)
}

// Authenticate returns the principal of a bearer secret, or an unauthenticated error.
func (s *Service) Authenticate(ctx context.Context, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, secretPrefix) || len(secret) > 100 {
		return Principal{}, custos.Errorf(custos.KindUnauthenticated, "malformed bearer token")
	}
	hash := Hash(secret)
	t, err := s.Store.TokenByHash(ctx, hash)
	if custos.KindOf(err) == custos.KindNotFound {
		return Principal{}, custos.Errorf(custos.KindUnauthenticated, "unknown bearer token")
	} else if err != nil {
		return Principal{}, err
	}
	if !t.RevokedAt.IsZero() {
		return Principal{}, custos.Errorf(custos.KindUnauthenticated, "revoked bearer token")
	}
	// The lookup is by hash, so timing says nothing of the secret; compare anyway
	// so a store that matched loosely cannot admit the wrong token.
	if subtle.ConstantTimeCompare([]byte(t.ID), []byte(hex.EncodeToString(hash[:8]))) != 1 {
		return Principal{}, custos.Errorf(custos.KindUnauthenticated, "unknown bearer token")
	}
	return Principal{TokenID: t.ID, Role: t.Role, Tenant: t.Tenant, Location: t.Location}, nil
}

// Hash is the stored form of a secret.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}
