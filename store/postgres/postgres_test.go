package postgres_test

import (
	"context"
	"testing"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/store/postgres"
	"custos.dev/custos/store/postgres/pgtest"
	"custos.dev/custos/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) storetest.Opener {
		dsn := pgtest.Schema(t)
		return func(signer *auditlog.Signer) (storetest.Store, error) {
			s, err := postgres.Open(context.Background(), dsn, signer)
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
		dsn := pgtest.Schema(b)
		return func(signer *auditlog.Signer) (storetest.Store, error) {
			s, err := postgres.Open(context.Background(), dsn, signer)
			if err == nil {
				b.Cleanup(func() { s.Close() })
			}
			return s, err
		}
	})
}
