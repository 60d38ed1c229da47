package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"custos.dev/custos/auditlog"
)

// LoadSigner reads the audit signing key at path. With create, a missing key is generated
// and written with mode 0600 (never overwriting one that appears meanwhile).
func LoadSigner(path, origin string, create bool) (*auditlog.Signer, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		skey, _, gerr := auditlog.GenerateKey(origin)
		if gerr != nil {
			return nil, gerr
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("audit key folder: %w", err)
		}
		f, ferr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if ferr == nil {
			_, werr := f.WriteString(skey + "\n")
			if werr == nil {
				werr = f.Sync()
			}
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				os.Remove(path)
				return nil, fmt.Errorf("write audit key %s: %w", path, werr)
			}
		} else if !errors.Is(ferr, fs.ErrExist) {
			return nil, fmt.Errorf("create audit key %s: %w", path, ferr)
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	s, err := auditlog.NewSigner(string(data))
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	return s, nil
}
