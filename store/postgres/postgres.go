// Package postgres is custos's scale-out engine: PostgreSQL through pgx, shared by any
// number of stateless custos instances.
//
// Appends to the audit log are serialised by a row lock on the audit head, so instances
// never interleave indexes. It maps driver errors to custos's kinds in one function and
// never decides what is allowed.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed keys_migrations/*.sql
var keysMigrations embed.FS

// Store is custos's store on one PostgreSQL database (or schema, by search_path).
type Store struct {
	*sqldb.DB
	// Pool is the pgx pool river uses.
	Pool *pgxpool.Pool
	// Keys is the key store, in a schema of its own (see KeysSchema).
	Keys     *sqldb.Keys
	keysPool *pgxpool.Pool
}

// KeysSchema is the schema of the key store for a data schema: custos_keys beside public,
// else the data schema's name with _keys.
func KeysSchema(dataSchema string) string {
	if dataSchema == "public" || dataSchema == "" {
		return "custos_keys"
	}
	return dataSchema + "_keys"
}

// Open connects to dsn (a postgres:// URL or key=value string), checks that the server
// answers and applies the migrations.
func Open(ctx context.Context, dsn string, signer *auditlog.Signer) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The DSN may carry a password: say only that it is malformed.
		return nil, errors.New("postgres: malformed connection string")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres does not answer: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	s := &Store{DB: &sqldb.DB{W: db, R: db, D: Dialect, Signer: signer}, Pool: pool}
	cfg = cfg.Copy()
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.openKeys(ctx, cfg); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.CheckAuditKey(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openKeys opens the key store in its own schema of the same server, creating the schema
// and applying its migrations.
func (s *Store) openKeys(ctx context.Context, cfg *pgxpool.Config) error {
	var schema string
	if err := s.W.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	ks := KeysSchema(schema)
	if _, err := s.W.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{ks}.Sanitize()); err != nil {
		return fmt.Errorf("key store schema: %w", err)
	}
	kc := cfg.Copy()
	kc.ConnConfig.RuntimeParams["search_path"] = ks
	kc.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, kc)
	if err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	if err := gooseUp(ctx, db, keysMigrations, "keys_migrations", ks); err != nil {
		db.Close()
		pool.Close()
		return fmt.Errorf("key store: %w", err)
	}
	s.keysPool = pool
	s.Keys = &sqldb.Keys{DB: &sqldb.DB{W: db, R: db, D: Dialect}}
	return nil
}

// gooseUp applies the migrations in dir of files to db under a session lock named after
// schema: two custos databases in one server do not wait for each other, while instances of
// the same one starting together are serialised.
func gooseUp(ctx context.Context, db *sql.DB, files embed.FS, dir, schema string) error {
	fsys, err := fs.Sub(files, dir)
	if err != nil {
		return err
	}
	h := fnv.New64a()
	h.Write([]byte("custos-migrate:" + schema))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// Migrate applies custos's migrations (goose) and river's.
func (s *Store) Migrate(ctx context.Context) error {
	var schema string
	if err := s.W.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if err := gooseUp(ctx, s.W, migrations, "migrations", schema); err != nil {
		return err
	}
	m, err := rivermigrate.New(riverpgxv5.New(s.Pool), nil)
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("apply job queue migrations: %w", err)
	}
	return nil
}

// Close closes the pools.
func (s *Store) Close() error {
	err := s.DB.Close()
	s.Pool.Close()
	if s.Keys != nil {
		err = errors.Join(err, s.Keys.DB.Close())
		s.keysPool.Close()
	}
	return err
}

// Dialect is PostgreSQL's.
var Dialect = sqldb.Dialect{
	Name:      "postgres",
	Numbered:  true,
	ForUpdate: " FOR UPDATE",
	MapError:  mapError,
	Retryable: retryable,
}

func mapError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	switch pe.Code {
	case "23505":
		return &custos.Error{Kind: custos.KindConflict, Message: "already exists", Cause: err}
	case "23503":
		return &custos.Error{Kind: custos.KindConflict, Message: "refers to something that does not exist, or is still referred to", Cause: err}
	case "40001", "40P01", "55P03":
		return &custos.Error{Kind: custos.KindUnavailable, Message: "database busy, try again", Cause: err}
	}
	return nil
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Code == "40001" || pe.Code == "40P01"
}
