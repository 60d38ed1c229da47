package scan

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
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

// advance moves past the text of seg: bytes.Count (vector code) counts
// its line breaks, and lastNewline finds the last one eight bytes at a
// time (bytes.LastIndexByte goes a byte at a time; the two took an eighth
// of a whole scan's time).
func (p *position) advance(seg pii.Segment) {
	if n := bytes.Count(seg.Data, []byte{'\n'}); n > 0 {
		p.line += int64(n)
		p.lineStart = seg.Offset + int64(lastNewline(seg.Data)) + 1
	}
}

// lastNewline returns the index of the last '\n' in b, or -1.
func lastNewline(b []byte) int {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	i := len(b)
	for ; i >= 8; i -= 8 {
		x := binary.LittleEndian.Uint64(b[i-8:i]) ^ 0x0a0a0a0a0a0a0a0a
		// The high bit of each byte that was '\n' (exact: no byte's sum
		// carries into the next).
		if nl := ^((x&lo7 + lo7) | x) & hi; nl != 0 {
			return i - 8 + (63-bits.LeadingZeros64(nl))>>3
		}
	}
	return bytes.LastIndexByte(b[:i], '\n')
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
