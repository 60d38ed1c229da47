package auditlog

import (
	"context"

	"golang.org/x/mod/sumdb/tlog"
)

// Store keeps the log. Appends are serialised by the store (one writer on SQLite, a row
// lock on PostgreSQL), each in the transaction of the change it records; Append alone is
// for events that record no other change (sensitive denials, reads).
type Store interface {
	Source
	Append(ctx context.Context, events ...*Event) (SignedCheckpoint, error)
	// Latest is the newest signed checkpoint (size 0 and no note for an empty log).
	Latest(ctx context.Context) (SignedCheckpoint, error)
	// ReadHashes reads stored hashes by id, for proofs.
	ReadHashes(ctx context.Context, ids []int64) ([]tlog.Hash, error)
}

// HashReader adapts a Store to tlog.HashReader for one request.
func HashReader(ctx context.Context, s Store) tlog.HashReader {
	return tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) { return s.ReadHashes(ctx, ids) })
}
