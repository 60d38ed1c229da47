package app

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/vault"
)

// loadOrCreate reads the secret file at path, generating it with gen (mode 0600, never
// overwriting one that appears meanwhile) when it is missing and create is set.
func loadOrCreate(path string, create bool, gen func() ([]byte, error)) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		secret, gerr := gen()
		if gerr != nil {
			return nil, gerr
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("key folder: %w", err)
		}
		f, ferr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if ferr == nil {
			_, werr := f.Write(secret)
			if werr == nil {
				werr = f.Sync()
			}
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				os.Remove(path)
				return nil, fmt.Errorf("write %s: %w", path, werr)
			}
		} else if !errors.Is(ferr, fs.ErrExist) {
			return nil, fmt.Errorf("create %s: %w", path, ferr)
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}

// LoadVault reads the vault's key-encryption key and lookup-token key, creating them on
// first use when create is set.
func LoadVault(kekPath, tokenKeyPath string, create bool) (*vault.KEK, *vault.Tokenizer, error) {
	kj, err := loadOrCreate(kekPath, create, vault.GenerateKEK)
	if err != nil {
		return nil, nil, fmt.Errorf("vault key-encryption key: %w", err)
	}
	kek, err := vault.NewKEK(kj)
	if err != nil {
		return nil, nil, fmt.Errorf("vault key-encryption key %s: %w", kekPath, err)
	}
	tk, err := loadOrCreate(tokenKeyPath, create, func() ([]byte, error) {
		k, err := vault.GenerateTokenKey()
		return []byte(base64.StdEncoding.EncodeToString(k) + "\n"), err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("vault token key: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(tk)))
	if err != nil {
		return nil, nil, fmt.Errorf("vault token key %s: not base64", tokenKeyPath)
	}
	tok, err := vault.NewTokenizer(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("vault token key %s: %w", tokenKeyPath, err)
	}
	return kek, tok, nil
}

// LoadSigner reads the audit signing key at path. With create, a missing key is generated
// and written with mode 0600 (never overwriting one that appears meanwhile).
func LoadSigner(path, origin string, create bool) (*auditlog.Signer, error) {
	data, err := loadOrCreate(path, create, func() ([]byte, error) {
		skey, _, err := auditlog.GenerateKey(origin)
		return []byte(skey + "\n"), err
	})
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	s, err := auditlog.NewSigner(string(data))
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	return s, nil
}
