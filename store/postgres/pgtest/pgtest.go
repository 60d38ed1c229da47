// Package pgtest gives each test a PostgreSQL schema of its own, so tests run in parallel
// against the one server named by CUSTOS_TEST_POSTGRES.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the connection string of the test server.
const EnvVar = "CUSTOS_TEST_POSTGRES"

// DSN returns the test server's connection string. Without one the test is skipped,
// except in CI (CI=true), where the PostgreSQL tests must run and the test fails.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvVar)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: the PostgreSQL tests must run in CI", EnvVar)
		}
		t.Skipf("%s is not set", EnvVar)
	}
	return dsn
}

// Schema creates a fresh schema, drops it when the test ends, and returns a connection
// string whose search_path is that schema.
func Schema(t testing.TB) string {
	t.Helper()
	dsn := DSN(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("PostgreSQL does not answer at %s: %v", EnvVar, err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "custos_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+name+" CASCADE")
		_, _ = c.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+name+"_keys CASCADE")
	})
	return WithSearchPath(dsn, name)
}

// WithSearchPath sets search_path in a URL or key=value connection string.
func WithSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}
