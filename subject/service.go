package subject

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
	"custos.dev/custos/policy"
	"custos.dev/custos/vault"
)

// Service is the vault as the API sees it.
type Service struct {
	Store    Store
	Keys     KeyStore
	Consents consent.Store
	KEK      *vault.KEK
	Tokens   *vault.Tokenizer
	Cache    *vault.KeyCache
	Policy   *policy.Engine
	// Grants answers for supervised access (R-RES-2, R-SUP-1); nil means no grant exists,
	// so every access rule that requires one refuses.
	Grants Grants
	// Region is where this instance stores data (R-RES-1).
	Region string
	Now    func() time.Time
	// Held, if set, says whether a legal hold suspends the subject's deletion (package
	// retention); Erase refuses a held subject.
	Held func(ctx context.Context, subjectID string) (bool, error)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// newID returns prefix and 16 bytes in hex: 6 of milliseconds since the epoch, then 10
// random. IDs made close in time sort close together, so inserts land on the same index
// pages instead of random ones (the consent ledger's insert rate depends on it; see
// bench/README.md); 80 random bits keep them unguessable and unique.
func newID(prefix string) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	return prefix + hex.EncodeToString(b[:])
}

func event(by auth.Principal, action, tenant, subject, object string, rids ...string) *auditlog.Event {
	return &auditlog.Event{Actor: by.Actor(), Role: string(by.Role), Action: action, Tenant: tenant,
		Subject: subject, Object: object, RIDs: rids}
}

// CreateTenant adds a customer account.
func (s *Service) CreateTenant(ctx context.Context, by auth.Principal, name string) (*Tenant, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, custos.FieldError(custos.KindInvalid, "name", "required, at most 200 bytes")
	}
	t := &Tenant{ID: newID("tn_"), Name: name, CreatedAt: s.now()}
	if err := s.Store.CreateTenant(ctx, t, event(by, "tenant.create", t.ID, "", "tenant/"+t.ID, "R-INV-1")); err != nil {
		return nil, err
	}
	return t, nil
}

// GetTenant returns a tenant the caller may see.
func (s *Service) GetTenant(ctx context.Context, by auth.Principal, id string) (*Tenant, error) {
	if err := by.InTenant(id); err != nil {
		return nil, err
	}
	return s.Store.Tenant(ctx, id)
}

// NewSubject is what creating a subject takes.
type NewSubject struct {
	TenantID  string `json:"tenant_id"`
	Kind      Kind   `json:"kind"`
	BirthDate string `json:"birth_date,omitempty"`
	Email     string `json:"email,omitempty"`
	Mobile    string `json:"mobile,omitempty"`
}

// CreateSubject adds a subject with its own data key, its profile sealed and its e-mail
// and mobile tokenised for lookups.
func (s *Service) CreateSubject(ctx context.Context, by auth.Principal, in NewSubject) (string, error) {
	if in.TenantID == "" {
		return "", custos.FieldError(custos.KindInvalid, "tenant_id", "required")
	}
	if err := by.InTenant(in.TenantID); err != nil {
		return "", err
	}
	if !slices.Contains(Kinds, in.Kind) {
		return "", custos.FieldError(custos.KindInvalid, "kind", "want customer_administrator, end_user or individual_customer")
	}
	if in.BirthDate != "" {
		d, err := time.Parse(time.DateOnly, in.BirthDate)
		if err != nil || d.After(s.now()) || d.Year() < 1900 {
			return "", custos.FieldError(custos.KindInvalid, "birth_date", "want a past date as YYYY-MM-DD")
		}
	}
	var tokens []LookupToken
	if in.Email != "" {
		if err := validateField("email", in.Email); err != nil {
			return "", custos.FieldError(custos.KindUnprocessable, "email", err.Error())
		}
		in.Email = strings.TrimSpace(in.Email)
	}
	if in.Mobile != "" {
		if err := validateField("cn_mobile", in.Mobile); err != nil {
			return "", custos.FieldError(custos.KindUnprocessable, "mobile", err.Error())
		}
		in.Mobile = normalMobile(in.Mobile)
	}
	if _, err := s.Store.Tenant(ctx, in.TenantID); err != nil {
		if custos.KindOf(err) == custos.KindNotFound {
			return "", custos.FieldError(custos.KindUnprocessable, "tenant_id", "no such tenant")
		}
		return "", err
	}
	for kind, v := range map[string]string{"email": in.Email, "mobile": in.Mobile} {
		if v == "" {
			continue
		}
		tok, err := s.Tokens.Token(kind, v)
		if err != nil {
			return "", custos.FieldError(custos.KindUnprocessable, kind, "cannot be normalised")
		}
		tokens = append(tokens, LookupToken{Kind: kind, Token: tok})
	}
	id := newID("sb_")
	wrapped, dk, err := s.KEK.NewDataKey(id)
	if err != nil {
		return "", custos.Internal(err)
	}
	plain, _ := json.Marshal(Profile{BirthDate: in.BirthDate, Email: in.Email, Mobile: in.Mobile})
	sealed, err := dk.Seal(plain, profileAD(id))
	if err != nil {
		return "", custos.Internal(err)
	}
	// The key first: a subject row never exists without its key. A key whose subject row
	// failed to commit is an orphan that decrypts nothing.
	if err := s.Keys.PutKey(ctx, id, wrapped); err != nil {
		return "", err
	}
	sub := &Subject{ID: id, TenantID: in.TenantID, Kind: in.Kind, State: "active", Region: s.Region, Profile: sealed, CreatedAt: s.now()}
	ev := event(by, "subject.create", in.TenantID, id, "subject/"+id, "R-SEC-1")
	ev.Details = map[string]string{"kind": string(in.Kind)}
	if err := s.Store.CreateSubject(ctx, sub, tokens, ev); err != nil {
		return "", err
	}
	s.Cache.Put(id, dk)
	return id, nil
}

func profileAD(subjectID string) []byte { return []byte("profile\x00" + subjectID) }

func recordAD(subjectID, category string) []byte {
	return []byte("record\x00" + subjectID + "\x00" + category)
}

func redactedAD(subjectID, category string) []byte {
	return []byte("redacted\x00" + subjectID + "\x00" + category)
}

// dataKey returns a live subject's unwrapped key.
func (s *Service) dataKey(ctx context.Context, subjectID string) (*vault.DataKey, error) {
	dk, err := s.keyByID(ctx, subjectID)
	if custos.KindOf(err) == custos.KindNotFound {
		return nil, custos.Errorf(custos.KindNotFound, "subject erased: its key no longer exists")
	}
	return dk, err
}

// loadSubject returns a live subject the caller may act on.
func (s *Service) loadSubject(ctx context.Context, by auth.Principal, id string) (*Subject, error) {
	sub, err := s.Store.Subject(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := by.InTenant(sub.TenantID); err != nil {
		return nil, err
	}
	if !sub.ErasedAt.IsZero() {
		return nil, custos.Errorf(custos.KindNotFound, "subject erased")
	}
	return sub, nil
}

func (s *Service) profile(ctx context.Context, sub *Subject) (Profile, error) {
	var p Profile
	dk, err := s.dataKey(ctx, sub.ID)
	if err != nil {
		return p, err
	}
	plain, err := dk.Open(sub.Profile, profileAD(sub.ID))
	if err != nil {
		return p, custos.Internal(fmt.Errorf("open profile of %s: %w", sub.ID, err))
	}
	if err := json.Unmarshal(plain, &p); err != nil {
		return p, custos.Internal(err)
	}
	return p, nil
}

// age returns whole years at now, or -1 without a birth date.
func age(birth string, now time.Time) int {
	d, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return -1
	}
	y := now.Year() - d.Year()
	if now.Month() < d.Month() || now.Month() == d.Month() && now.Day() < d.Day() {
		y--
	}
	return y
}

// SubjectView is what the API shows of a subject: masked contact details.
type SubjectView struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	Kind     Kind   `json:"kind"`
	State    string `json:"state"`
	Region   string `json:"region"`
	Minor    bool   `json:"minor"`
	Email    string `json:"email,omitempty"`
	Mobile   string `json:"mobile,omitempty"`
}

// GetSubject shows a subject, its contact details masked.
func (s *Service) GetSubject(ctx context.Context, by auth.Principal, id string) (*SubjectView, error) {
	sub, err := s.loadSubject(ctx, by, id)
	if err != nil {
		return nil, err
	}
	p, err := s.profile(ctx, sub)
	if err != nil {
		return nil, err
	}
	v := &SubjectView{ID: sub.ID, TenantID: sub.TenantID, Kind: sub.Kind, State: sub.State, Region: sub.Region}
	if a := age(p.BirthDate, s.now()); a >= 0 && a < 18 {
		v.Minor = true
	}
	if p.Email != "" {
		v.Email = maskField(policy.Field{Validator: "email"}, p.Email)
	}
	if p.Mobile != "" {
		v.Mobile = maskField(policy.Field{Validator: "cn_mobile"}, p.Mobile)
	}
	return v, nil
}

// Find returns the live subjects whose identifier of the given kind has value, by token;
// a customer's administrator sees only its own tenant's.
func (s *Service) Find(ctx context.Context, by auth.Principal, kind, value string) ([]string, error) {
	tok, err := s.Tokens.Token(kind, value)
	if err != nil {
		return nil, custos.FieldError(custos.KindInvalid, kind, "cannot be normalised for lookup")
	}
	ids, err := s.Store.FindByToken(ctx, kind, tok)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, id := range ids {
		sub, err := s.Store.Subject(ctx, id)
		if err != nil || !sub.ErasedAt.IsZero() || by.InTenant(sub.TenantID) != nil {
			continue
		}
		out = append(out, id)
	}
	return out, nil
}

// Erase destroys a subject's data key, which makes every copy of its records unreadable,
// then removes its records and lookup tokens and marks it erased. Erasing twice is a no-op.
func (s *Service) Erase(ctx context.Context, by auth.Principal, id string) error {
	sub, err := s.Store.Subject(ctx, id)
	if err != nil {
		return err
	}
	if err := by.InTenant(sub.TenantID); err != nil {
		return err
	}
	if !sub.ErasedAt.IsZero() {
		return nil
	}
	if s.Held != nil {
		held, err := s.Held(ctx, id)
		if err != nil {
			return err
		}
		if held {
			return custos.Errorf(custos.KindConflict, "the subject is under a legal hold: nothing of it may be deleted until the hold ends")
		}
	}
	// Destroying the key is the point of no return; the rest is housekeeping that a
	// retry completes if it fails.
	// DestroyKey takes the subject's key and every category key with it.
	if err := s.Keys.DestroyKey(ctx, id); err != nil && custos.KindOf(err) != custos.KindNotFound {
		return err
	}
	s.ForgetKeys(id)
	return s.Store.EraseSubject(ctx, id, s.now(), event(by, "subject.erase", sub.TenantID, id, "subject/"+id, "R-RET-3", "R-DSR-4"))
}
