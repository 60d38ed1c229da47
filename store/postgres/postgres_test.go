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
	for _, bc := range []struct {
		name           string
		prefill, batch int
	}{{"1k/batch1", 1000, 1}, {"1k/batch1000", 1000, 1000}} {
		b.Run(bc.name, func(b *testing.B) {
			dsn := pgtest.Schema(b)
			storetest.BenchAppend(b, func(signer *auditlog.Signer) (storetest.Store, error) {
				s, err := postgres.Open(context.Background(), dsn, signer)
				if err == nil {
					b.Cleanup(func() { s.Close() })
				}
				return s, err
			}, bc.prefill, bc.batch)
		})
	}
}
