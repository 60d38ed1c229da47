package sqlite_test

import (
	"context"
	"testing"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/store/sqlite"
	"custos.dev/custos/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Opener {
		dir := t.TempDir()
		return func(signer *auditlog.Signer) (storetest.Store, error) {
			s, err := sqlite.Open(context.Background(), dir, signer)
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { s.Close() })
			return s, nil
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	storetest.BenchAppendSizes(b, func(b testing.TB) storetest.Opener {
		dir := b.TempDir()
		return func(signer *auditlog.Signer) (storetest.Store, error) {
			s, err := sqlite.Open(context.Background(), dir, signer)
			if err == nil {
				b.Cleanup(func() { s.Close() })
			}
			return s, err
		}
	})
}
