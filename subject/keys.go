package subject

import (
	"context"
	"fmt"

	"custos.dev/custos"
	"custos.dev/custos/vault"
)

// Keys. A subject has its own data key, sealing its profile and what other services seal
// for it (Seal), and one data key per category of records it holds, so that retention can
// delete one category by destroying its key while the others stay readable (R-RET-3).
// Erasure destroys them all.

// keyByID returns the unwrapped key stored under id, or not found.
func (s *Service) keyByID(ctx context.Context, id string) (*vault.DataKey, error) {
	if dk, ok := s.Cache.Get(id); ok {
		return dk, nil
	}
	wrapped, err := s.Keys.Key(ctx, id)
	if err != nil {
		return nil, err
	}
	dk, err := s.KEK.Unwrap(id, wrapped)
	if err != nil {
		return nil, custos.Internal(fmt.Errorf("unwrap key %s: %w", id, err))
	}
	s.Cache.Put(id, dk)
	return dk, nil
}

// categoryKey returns the key of one category of a live subject's records, making it on
// first use.
func (s *Service) categoryKey(ctx context.Context, subjectID, category string) (*vault.DataKey, error) {
	// The subject's own key must still exist: no new key for an erased subject.
	if _, err := s.dataKey(ctx, subjectID); err != nil {
		return nil, err
	}
	id := CategoryKeyID(subjectID, category)
	dk, err := s.keyByID(ctx, id)
	if custos.KindOf(err) != custos.KindNotFound {
		return dk, err
	}
	wrapped, dk, err := s.KEK.NewDataKey(id)
	if err != nil {
		return nil, custos.Internal(err)
	}
	switch err := s.Keys.PutKey(ctx, id, wrapped); {
	case custos.KindOf(err) == custos.KindConflict: // another writer made it first
		dk.Destroy()
		return s.keyByID(ctx, id)
	case err != nil:
		dk.Destroy()
		return nil, err
	}
	s.Cache.Put(id, dk)
	return dk, nil
}

// recordKey returns the key that sealed rec.
func (s *Service) recordKey(ctx context.Context, rec *Record) (*vault.DataKey, error) {
	if rec.KeyScope != KeyScopeCategory {
		return s.dataKey(ctx, rec.SubjectID)
	}
	dk, err := s.keyByID(ctx, CategoryKeyID(rec.SubjectID, rec.Category))
	if custos.KindOf(err) == custos.KindNotFound {
		return nil, custos.Errorf(custos.KindNotFound, "record deleted: its key no longer exists")
	}
	return dk, err
}

// ForgetKeys drops a subject's keys (its own and its categories') from the cache, once
// the key store destroyed them.
func (s *Service) ForgetKeys(subjectID string) {
	s.Cache.Forget(subjectID)
	for _, c := range s.Policy.Categories() {
		s.Cache.Forget(CategoryKeyID(subjectID, c.Name))
	}
}
