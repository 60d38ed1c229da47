package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"custos.dev/custos/dsr"
	"custos.dev/custos/store/sqldb"
	"custos.dev/custos/vault"
)

// RotationReport says what a KEK rotation did.
type RotationReport struct {
	Rewrapped, Current int
	Retired            bool
}

// RotateVaultKEK adds a new primary key to the vault's key-encryption key, re-wraps every
// stored data key under it, and, with retire, then deletes the older keys so that wrapped
// keys from old backups of the key store open no more. Run it with the servers stopped: a
// running instance keeps the KEK it loaded. The KEK file is replaced atomically before any
// key is re-wrapped, and it keeps the old keys until the end, so an interrupted rotation
// loses nothing and can be run again.
func (a *App) RotateVaultKEK(ctx context.Context, retire bool) (RotationReport, error) {
	var rep RotationReport
	keys, ok := a.keyStore.(*sqldb.Keys)
	if !ok || a.Subjects == nil {
		return rep, fmt.Errorf("vault is not configured")
	}
	path := a.Config.VaultKEKPath()
	old, err := os.ReadFile(path)
	if err != nil {
		return rep, fmt.Errorf("vault key-encryption key: %w", err)
	}
	rotated, err := vault.RotateKEK(old)
	if err != nil {
		return rep, err
	}
	if err := writeFileAtomic(path, rotated); err != nil {
		return rep, err
	}
	kek, err := vault.NewKEK(rotated)
	if err != nil {
		return rep, err
	}
	// Everything the KEK wraps: the subjects' (and system) keys in the key store, and the
	// recipient endpoints' keys in the data store.
	sources := []wrappedKeys{
		{all: keys.AllKeys, replace: keys.ReplaceKey},
		{
			all: func(ctx context.Context, fn func(id string, w []byte) error) error {
				return a.db.EndpointKeys(ctx, func(r string, w []byte) error { return fn(dsr.EndpointKeyID(r), w) })
			},
			replace: func(ctx context.Context, id string, old, w []byte) error {
				return a.db.ReplaceEndpointKey(ctx, strings.TrimPrefix(id, dsr.EndpointKeyID("")), old, w)
			},
		},
	}
	type pair struct {
		id           string
		old, wrapped []byte
	}
	for _, src := range sources {
		var todo []pair
		if err := src.all(ctx, func(id string, w []byte) error {
			nw, err := kek.Rewrap(id, w)
			if err != nil {
				return fmt.Errorf("re-wrap the key of %s: %w", id, err)
			}
			if bytes.Equal(nw, w) {
				rep.Current++
				return nil
			}
			todo = append(todo, pair{id, w, nw})
			return nil
		}); err != nil {
			return rep, err
		}
		for _, p := range todo {
			if err := src.replace(ctx, p.id, p.old, p.wrapped); err != nil {
				return rep, err
			}
			rep.Rewrapped++
		}
	}
	if retire {
		retired, err := vault.RetireOldKEKs(rotated)
		if err != nil {
			return rep, err
		}
		rk, err := vault.NewKEK(retired)
		if err != nil {
			return rep, err
		}
		// Every stored key must open under what is left before the old keys go.
		for _, src := range sources {
			if err := src.all(ctx, func(id string, w []byte) error {
				if _, err := rk.Unwrap(id, w); err != nil {
					return fmt.Errorf("the key of %s does not open under the new KEK alone; old keys kept", id)
				}
				return nil
			}); err != nil {
				return rep, err
			}
		}
		if err := writeFileAtomic(path, retired); err != nil {
			return rep, err
		}
		rep.Retired = true
	}
	return rep, nil
}

// wrappedKeys is one place that holds KEK-wrapped keys.
type wrappedKeys struct {
	all     func(ctx context.Context, fn func(id string, wrapped []byte) error) error
	replace func(ctx context.Context, id string, old, wrapped []byte) error
}

// writeFileAtomic replaces path with data (mode 0600) through a synced temporary file and a
// rename, so a crash leaves the old file or the new one, never half of either.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
