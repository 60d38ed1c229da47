package scan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"custos.dev/custos/pii"
)

// run is one invocation: the scanner and where its results go.
type run struct {
	cfg     Config
	mode    pii.Mode
	scanner *pii.Scanner
	stdin   io.Reader
	stderr  io.Writer
	out     *output
}

// file scans one file ("-" for standard input) and returns how many
// findings it reported.
func (r *run) file(ctx context.Context, name string) (int, error) {
	var (
		in   io.Reader
		size int64 = -1
	)
	if name == "-" {
		in = r.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			if st.IsDir() {
				return 0, fmt.Errorf("%s: is a directory", name)
			}
			size = st.Size()
		}
		in = f
	}
	cr := &countingReader{r: in, ctx: ctx}
	if p := startProgress(r.stderr, r.cfg.Progress, name, size, cr); p != nil {
		defer p.stop()
	}
	pos := position{line: 1}
	found := 0
	err := r.scanner.ScanReader(cr, func(seg pii.Segment) error {
		if seg.Finding == nil {
			pos.advance(seg)
			return r.out.text(seg.Data)
		}
		found++
		return r.out.finding(name, seg, pos)
	})
	if err != nil {
		return found, fmt.Errorf("%s: %w", name, err)
	}
	return found, nil
}

// position tracks line numbers across segments.
type position struct {
	line      int64 // 1-based line of the next byte
	lineStart int64 // offset of the first byte of that line
}

// advance moves past the text of seg. It goes from line break to line
// break with bytes.IndexByte (vector code), where counting them and then
// looking for the last one (bytes.LastIndexByte, a byte at a time) cost
// an eighth of a whole scan's time.
func (p *position) advance(seg pii.Segment) {
	b := seg.Data
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return
		}
		off += i + 1
		p.line++
		p.lineStart = seg.Offset + int64(off)
	}
}

// countingReader counts the bytes read (for the progress bar) and stops
// when the context is cancelled.
type countingReader struct {
	r   io.Reader
	ctx context.Context
	n   counter
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n.add(int64(n))
	return n, err
}
