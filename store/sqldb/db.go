// Package sqldb is the one implementation of custos's store interfaces over database/sql,
// shared by the SQLite and PostgreSQL engines. Each engine supplies a Dialect: how it
// writes placeholders, locks the audit head and maps its driver's errors to custos's error
// kinds. The SQL is written by hand and kept portable between the two engines.
//
// It must never decide whether an action is allowed (the decision engine does), and every
// change it makes appends its audit event in the same transaction.
package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/mail"
)

// Dialect is what differs between engines.
type Dialect struct {
	Name string
	// Numbered placeholders ($1) rather than ?.
	Numbered bool
	// ForUpdate is appended to the audit head query to take its row lock ("" on SQLite,
	// whose single writer already serialises transactions).
	ForUpdate string
	// MapError maps a driver error to a custos error (nil stays nil).
	MapError func(error) error
	// Retryable says whether a transaction failed only for contention and may be retried.
	Retryable func(error) bool
}

// DB is a custos store on one database.
type DB struct {
	W       *sql.DB // writes (one connection on SQLite)
	R       *sql.DB // reads
	D       Dialect
	Signer  *auditlog.Signer
	Retries int
	// Mail seals queued mail (a vault data key); nil refuses to queue mail.
	Mail mail.Sealer
}

// Q rewrites ? placeholders for the dialect.
func (db *DB) Q(q string) string {
	if !db.D.Numbered {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Transact runs fn in a transaction and commits it, retrying when the engine reports a
// serialisation failure or a busy database.
func (db *DB) Transact(ctx context.Context, fn func(tx *sql.Tx) error) error {
	retries := db.Retries
	if retries == 0 {
		retries = 5
	}
	var err error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
			}
		}
		err = db.transactOnce(ctx, fn)
		if err == nil || db.D.Retryable == nil || !db.D.Retryable(err) {
			return err
		}
	}
	return err
}

func (db *DB) transactOnce(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return db.mapErr(fmt.Errorf("begin: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return db.mapErr(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// mapErr turns a driver error into a custos error, keeping errors already mapped.
func (db *DB) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var ce *custos.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &custos.Error{Kind: custos.KindNotFound, Message: "not found", Cause: err}
	}
	if db.D.MapError != nil {
		if m := db.D.MapError(err); m != nil {
			return m
		}
	}
	return custos.Internal(err)
}

// Micros stores times as integer microseconds since the epoch, UTC, on both engines.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros is the inverse of Micros.
func FromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// Ping checks that both pools answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.W.PingContext(ctx); err != nil {
		return db.mapErr(err)
	}
	return db.mapErr(db.R.PingContext(ctx))
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.W.Close()
	if db.R != db.W {
		err = errors.Join(err, db.R.Close())
	}
	return err
}

func emptyRoot() [32]byte { return sha256.Sum256(nil) }
