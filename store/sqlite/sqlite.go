// Package sqlite is custos's embedded engine: SQLite through the pure-Go modernc.org/sqlite
// driver, in one file of a data folder, nothing to install.
//
// It opens the database the way SQLite wants to be used by a server: busy timeout first,
// WAL, foreign keys on, synchronous=FULL (a committed audit event survives a power cut),
// and one writer connection; reads use a separate pool. It maps driver errors to custos's
// kinds in one function and never decides what is allowed.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed keys_migrations/*.sql
var keysMigrations embed.FS

// Store is custos's store on one SQLite file.
type Store struct {
	*sqldb.DB
	// River is the job queue's own pool: one connection, as river's SQLite driver needs.
	River *sql.DB
	Path  string
	// Keys is the key store, in its own file (keys.db) beside the data.
	Keys *sqldb.Keys
}

// DSN returns the connection string for path with custos's pragmas. busy_timeout comes
// first so that the pragmas after it wait for a lock rather than fail.
func DSN(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	// Statement journals of multi-row inserts stay in memory rather than spilling to a
	// temporary file, and the page cache holds the hot index pages (64 MiB).
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "cache_size(-65536)")
	if writer {
		// Take the write lock at BEGIN, so that a transaction never fails half-way
		// when another connection (river's) writes.
		q.Add("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file custos.db in dir and applies the
// migrations. signer signs audit checkpoints; it may be nil for read-only use.
func Open(ctx context.Context, dir string, signer *auditlog.Signer) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	path := filepath.Join(dir, "custos.db")
	w, err := sql.Open("sqlite", DSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", DSN(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	rv, err := sql.Open("sqlite", DSN(path, true))
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	rv.SetMaxOpenConns(1)
	s := &Store{
		DB:    &sqldb.DB{W: w, R: r, D: Dialect, Signer: signer},
		River: rv,
		Path:  path,
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.Keys, err = openKeys(ctx, filepath.Join(dir, "keys.db")); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.CheckAuditKey(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openKeys opens the key store file: one connection, secure_delete on so a destroyed key
// is overwritten with zeros, and a WAL checkpoint that truncates the log after each
// destruction so no old copy of the page survives there either.
func openKeys(ctx context.Context, path string) (*sqldb.Keys, error) {
	dsn := DSN(path, true) + "&_pragma=secure_delete(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := gooseUp(ctx, db, keysMigrations, "keys_migrations"); err != nil {
		db.Close()
		return nil, fmt.Errorf("key store: %w", err)
	}
	kdb := &sqldb.DB{W: db, R: db, D: Dialect}
	return &sqldb.Keys{DB: kdb, AfterDestroy: func(ctx context.Context) error {
		_, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		return err
	}}, nil
}

func gooseUp(ctx context.Context, db *sql.DB, files embed.FS, dir string) error {
	fsys, err := fs.Sub(files, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
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
	if err := gooseUp(ctx, s.W, migrations, "migrations"); err != nil {
		return err
	}
	m, err := rivermigrate.New(riversqlite.New(s.River), nil)
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("apply job queue migrations: %w", err)
	}
	return nil
}

// Close closes every pool.
func (s *Store) Close() error {
	err := errors.Join(s.DB.Close(), s.River.Close())
	if s.Keys != nil {
		err = errors.Join(err, s.Keys.DB.Close())
	}
	return err
}

// Dialect is SQLite's.
var Dialect = sqldb.Dialect{
	Name:      "sqlite",
	MapError:  mapError,
	Retryable: retryable,
}

func mapError(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return &custos.Error{Kind: custos.KindConflict, Message: "already exists", Cause: err}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &custos.Error{Kind: custos.KindConflict, Message: "refers to something that does not exist, or is still referred to", Cause: err}
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_BUSY_SNAPSHOT:
		return &custos.Error{Kind: custos.KindUnavailable, Message: "database busy, try again", Cause: err}
	}
	return nil
}

func retryable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}
