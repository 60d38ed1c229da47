package pii

import (
	"errors"
	"io"
)

// Streaming: inputs larger than memory are scanned in chunks. Between
// chunks the scanner keeps ctxBefore bytes behind the loop position and
// stops ctxAfter bytes short of the data read, so every examination sees
// the window it would see in one buffer: the findings, their offsets and
// their order are those of a whole-buffer scan.

// Segment is a piece of a scanned stream. The segments of a stream are
// consecutive and cover it exactly once: text between findings, and the
// bytes of each finding.
type Segment struct {
	// Offset of Data[0] from the start of the stream.
	Offset int64
	// Data is the bytes of the segment, valid only during the callback.
	Data []byte
	// Finding describes the segment when it is a finding; nil for text.
	Finding *Finding
}

// maxLookBehind is how far before the loop position a later finding can
// start (an e-mail's local part, a prefix letter, a '+').
const maxLookBehind = maxLocal + 8

// ScanReader scans r in chunks and calls fn with every segment in order.
// It stops at the first error from r or fn and returns it.
func (s *Scanner) ScanReader(r io.Reader, fn func(Segment) error) error {
	buf := make([]byte, 0, s.chunkSize+ctxBefore+ctxAfter+maxLookBehind)
	var (
		base    int64 // stream offset of buf[0]
		pos     int   // loop position in buf
		lastEnd int   // end of the last finding, in buf
		emitted int   // buf[:emitted] has been handed to fn
		eof     bool
		fs      []Finding
		err     error
	)
	collect := func(f Finding) { fs = append(fs, f) }
	text := func(to int) {
		if err == nil && to > emitted {
			err = fn(Segment{Offset: base + int64(emitted), Data: buf[emitted:to]})
			emitted = to
		}
	}
	for {
		for !eof && len(buf) < cap(buf) {
			n, rerr := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if errors.Is(rerr, io.EOF) {
				eof = true
			} else if rerr != nil {
				return rerr
			}
		}
		to := len(buf) - ctxAfter
		if eof {
			to = len(buf)
		}
		if to > pos {
			fs = fs[:0]
			pos, lastEnd = s.scanRange(buf, base, pos, to, lastEnd, collect)
			for k := range fs {
				f := &fs[k]
				start := int(f.Offset - base)
				text(start)
				if err == nil {
					err = fn(Segment{Offset: f.Offset, Data: buf[start : start+f.Length], Finding: f})
					emitted = start + f.Length
				}
			}
		}
		if eof {
			text(len(buf))
			return err
		}
		text(pos - maxLookBehind)
		if err != nil {
			return err
		}
		// Keep the context behind the loop and everything not yet handed on.
		keep := min(emitted, pos-ctxBefore)
		if keep > 0 {
			n := copy(buf, buf[keep:])
			buf = buf[:n]
			base += int64(keep)
			pos -= keep
			emitted -= keep
			lastEnd = max(lastEnd-keep, 0)
		}
	}
}

// RedactReader copies r to w with every finding replaced as mode says,
// and returns how many findings it replaced.
func (s *Scanner) RedactReader(w io.Writer, r io.Reader, mode Mode) (int, error) {
	n := 0
	var out []byte
	err := s.ScanReader(r, func(seg Segment) error {
		if seg.Finding == nil {
			_, err := w.Write(seg.Data)
			return err
		}
		n++
		out = mode.replace(out[:0], seg.Finding.Type, seg.Data)
		_, err := w.Write(out)
		return err
	})
	return n, err
}
