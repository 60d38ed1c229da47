package scan_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"custos.dev/custos/bench/pii/gen"
	"custos.dev/custos/scan"
)

// corpusFile is 32 MB of generated support data in a file, as `custos
// scan FILE` reads it.
var corpusFile = sync.OnceValues(func() (string, error) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 32<<20, 1); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "custos-scan-bench")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "corpus.txt")
	return p, os.WriteFile(p, buf.Bytes(), 0o600)
})

// BenchmarkMain: `custos scan` as a whole, reading a file and writing
// its output to io.Discard (MB/s of input).
func BenchmarkMain(b *testing.B) {
	p, err := corpusFile()
	if err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"Text", nil},
		{"JSON", []string{"--json"}},
		{"RedactTag", []string{"--redact=tag"}},
		{"RedactMask", []string{"--redact=mask"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(fi.Size())
			args := append(append([]string(nil), c.args...), p)
			for b.Loop() {
				if code := scan.Main(context.Background(), args, nil, io.Discard, io.Discard); code != scan.ExitFound {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

// BenchmarkManyFiles: `custos scan --json` over 200 files of 10 KB, as
// in a folder of exported tickets (MB/s of input).
func BenchmarkManyFiles(b *testing.B) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 2<<20, 2); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	args := []string{"--json"}
	for i := range 200 {
		p := filepath.Join(dir, fmt.Sprintf("t%03d.txt", i))
		if err := os.WriteFile(p, buf.Bytes()[i*10000:(i+1)*10000], 0o600); err != nil {
			b.Fatal(err)
		}
		args = append(args, p)
	}
	b.SetBytes(200 * 10000)
	for b.Loop() {
		if code := scan.Main(context.Background(), args, nil, io.Discard, io.Discard); code != scan.ExitFound {
			b.Fatalf("exit %d", code)
		}
	}
}
