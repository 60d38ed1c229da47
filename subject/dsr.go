package subject

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/vault"
)

// What subject requests (package dsr) need from the vault: the subject's contact address
// on record, every record decrypted for an access package, corrections merged into a
// record, and sealing of a request's PI parameters with the subject's own key, so that
// erasing the subject makes them unreadable too.

// RecordLister lists a subject's records; the SQL stores implement it.
type RecordLister interface {
	Records(ctx context.Context, subjectID string) ([]Record, error)
}

// Info returns a subject as stored (erased ones too), for callers that route requests.
func (s *Service) Info(ctx context.Context, id string) (*Subject, error) {
	return s.Store.Subject(ctx, id)
}

// RequestAddress returns the e-mail address on record for a live subject: its profile's, or
// else the first e-mail field of its records. "" when there is none.
func (s *Service) RequestAddress(ctx context.Context, id string) (string, error) {
	sub, err := s.loadSubject(ctx, auth.System, id)
	if err != nil {
		return "", err
	}
	p, err := s.profile(ctx, sub)
	if err != nil {
		return "", err
	}
	if p.Email != "" {
		return p.Email, nil
	}
	recs, err := s.Decrypted(ctx, id)
	if err != nil {
		return "", err
	}
	for _, r := range recs.Records {
		cat, _ := s.Policy.CategoryByName(r.Category)
		for _, name := range slices.Sorted(maps.Keys(r.Fields)) {
			if f, ok := s.Policy.Field(cat, name); ok && f.Validator == "email" && r.Fields[name] != "" {
				return r.Fields[name], nil
			}
		}
	}
	return "", nil
}

// DecryptedRecord is one record in clear.
type DecryptedRecord struct {
	Category  string            `json:"category"`
	Region    string            `json:"region"`
	Verified  bool              `json:"verified"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	Fields    map[string]string `json:"fields"`
}

// Decrypted is everything the vault holds about a subject, in clear.
type Decrypted struct {
	Subject Subject           `json:"-"`
	Profile Profile           `json:"profile"`
	Records []DecryptedRecord `json:"records"`
}

// Decrypted opens a live subject's profile and every record. It audits nothing: the caller
// (an access request) audits what it hands out.
func (s *Service) Decrypted(ctx context.Context, id string) (*Decrypted, error) {
	sub, err := s.loadSubject(ctx, auth.System, id)
	if err != nil {
		return nil, err
	}
	p, err := s.profile(ctx, sub)
	if err != nil {
		return nil, err
	}
	lister, ok := s.Store.(RecordLister)
	if !ok {
		return nil, custos.Internal(fmt.Errorf("store cannot list records"))
	}
	recs, err := lister.Records(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Decrypted{Subject: *sub, Profile: p, Records: make([]DecryptedRecord, 0, len(recs))}
	for _, r := range recs {
		dk, err := s.recordKey(ctx, &r)
		if custos.KindOf(err) == custos.KindNotFound {
			continue // deleted by retention a moment ago
		} else if err != nil {
			return nil, err
		}
		plain, err := dk.Open(r.Sealed, recordAD(id, r.Category))
		if err != nil {
			return nil, custos.Internal(fmt.Errorf("open record %s/%s: %w", id, r.Category, err))
		}
		d := DecryptedRecord{Category: r.Category, Region: r.Region, Verified: !r.VerifiedAt.IsZero(),
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
		if err := json.Unmarshal(plain, &d.Fields); err != nil {
			return nil, custos.Internal(err)
		}
		out.Records = append(out.Records, d)
	}
	return out, nil
}

// Correct merges corrected fields into a record and stores it through PutRecord, with all
// its checks (declared fields, validators, no security codes) and its audit event.
// Real-name data is never corrected this way (R-DSR-2).
func (s *Service) Correct(ctx context.Context, by auth.Principal, subjectID, category string, fields map[string]string) error {
	if category == "real_name_data" {
		return custos.FieldError(custos.KindUnprocessable, "category", "real-name data given at registration cannot be changed by its subject (R-DSR-2)")
	}
	merged := map[string]string{}
	if rec, err := s.Store.Record(ctx, subjectID, category); err == nil {
		if !rec.VerifiedAt.IsZero() {
			return custos.FieldError(custos.KindUnprocessable, "category", "verified registration data cannot be changed by its subject (R-DSR-2)")
		}
		dk, err := s.recordKey(ctx, rec)
		if err != nil {
			return err
		}
		plain, err := dk.Open(rec.Sealed, recordAD(subjectID, category))
		if err != nil {
			return custos.Internal(err)
		}
		if err := json.Unmarshal(plain, &merged); err != nil {
			return custos.Internal(err)
		}
	} else if custos.KindOf(err) != custos.KindNotFound {
		return err
	}
	maps.Copy(merged, fields)
	body, _ := json.Marshal(merged)
	_, err := s.PutRecord(ctx, by, subjectID, category, body, "")
	return err
}

// CheckCorrection validates corrected fields against the policy without storing them.
func (s *Service) CheckCorrection(category string, fields map[string]string) error {
	if category == "real_name_data" {
		return custos.FieldError(custos.KindUnprocessable, "category", "real-name data given at registration cannot be changed by its subject (R-DSR-2)")
	}
	cat, ok := s.Policy.CategoryByName(category)
	if !ok {
		return custos.FieldError(custos.KindUnprocessable, "category", "not a declared category (R-INV-1)")
	}
	if len(fields) == 0 {
		return custos.FieldError(custos.KindInvalid, "fields", "give at least one field")
	}
	body, _ := json.Marshal(fields)
	_, err := checkRecord(s.Policy, cat, body)
	return err
}

func payloadAD(subjectID, label string) []byte {
	return []byte("payload\x00" + subjectID + "\x00" + label)
}

// Seal seals data with a live subject's key, bound to label.
func (s *Service) Seal(ctx context.Context, subjectID, label string, plain []byte) ([]byte, error) {
	dk, err := s.dataKey(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	out, err := dk.Seal(plain, payloadAD(subjectID, label))
	if err != nil {
		return nil, custos.Internal(err)
	}
	return out, nil
}

// Open opens what Seal sealed; after erasure it fails as not found.
func (s *Service) Open(ctx context.Context, subjectID, label string, sealed []byte) ([]byte, error) {
	dk, err := s.dataKey(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	out, err := dk.Open(sealed, payloadAD(subjectID, label))
	if err != nil {
		return nil, custos.Internal(err)
	}
	return out, nil
}

// KEKForSecrets exposes the key-encryption key to seal other secrets (recipients' webhook
// secrets) under envelope encryption like the subjects' data.
func (s *Service) KEKForSecrets() *vault.KEK { return s.KEK }
