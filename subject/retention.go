package subject

import (
	"context"
	"encoding/json"
	"fmt"

	"custos.dev/custos"
)

// The methods below serve the retention sweep (package retention), which acts for the
// operator under the policy's rules rather than for a caller with a purpose: they read
// without a decision, and their caller audits what it does with the result.

// RecordFields opens a record in full, for anonymisation. A subject whose key is gone, or
// a record that no longer exists, is a not-found error.
func (s *Service) RecordFields(ctx context.Context, subjectID, category string) (map[string]string, error) {
	rec, err := s.Store.Record(ctx, subjectID, category)
	if err != nil {
		return nil, err
	}
	dk, err := s.recordKey(ctx, rec)
	if err != nil {
		return nil, err
	}
	plain, err := dk.Open(rec.Sealed, recordAD(subjectID, category))
	if err != nil {
		return nil, custos.Internal(fmt.Errorf("open record %s/%s: %w", subjectID, category, err))
	}
	var fields map[string]string
	if err := json.Unmarshal(plain, &fields); err != nil {
		return nil, custos.Internal(err)
	}
	return fields, nil
}

// ContactEmail returns the e-mail address in a live subject's profile, or "" if it has
// none, for notices the statement promises (R-RET-4).
func (s *Service) ContactEmail(ctx context.Context, subjectID string) (string, error) {
	sub, err := s.Store.Subject(ctx, subjectID)
	if err != nil {
		return "", err
	}
	if !sub.ErasedAt.IsZero() {
		return "", custos.Errorf(custos.KindNotFound, "subject erased")
	}
	p, err := s.profile(ctx, sub)
	if err != nil {
		return "", err
	}
	return p.Email, nil
}

// ForgetKey drops a key (a subject's, or a category's: CategoryKeyID) from the cache, once
// the key store destroyed it. ForgetKeys drops all of a subject's.
func (s *Service) ForgetKey(id string) { s.Cache.Forget(id) }
