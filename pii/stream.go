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
	// Like Data, it is valid only during the callback: copy *Finding to
	// keep it.
	Finding *Finding
}

// maxLookBehind is how far before the loop position a later finding can
// start (an e-mail's local part, a prefix letter, a '+').
const maxLookBehind = maxLocal + 8

// tailRoom is the room left before each chunk's data for the bytes carried
// over from the chunk before: those not yet handed on and the context
// behind the loop. The loop stops at or past ctxAfter bytes short of a
// chunk's end, and everything up to maxLookBehind bytes behind it has
// been handed on, so what is kept starts at most ctxBefore bytes behind
// it: at most ctxBefore+ctxAfter bytes are carried.
const tailRoom = ctxBefore + ctxAfter

// ScanReader scans r in chunks and calls fn with every segment in order.
// It stops at the first error from r or fn and returns it.
//
// While one chunk is scanned, the next is read on another goroutine (when
// the stream is longer than one chunk), and the findings of a chunk are
// handed to fn as the pieces holding them are done, so that reading,
// scanning and whatever fn does with the findings overlap. fn is always
// called on the calling goroutine, and r is not read after ScanReader
// returns.
func (s *Scanner) ScanReader(r io.Reader, fn func(Segment) error) error {
	cur := s.getBuf()
	defer func() { s.putBuf(cur) }() // cur is the buffer held when it returns
	n, rerr := fill(r, cur[tailRoom:])
	eof := errors.Is(rerr, io.EOF)
	if rerr != nil && !eof {
		return rerr
	}
	var ra *readAhead
	if !eof {
		ra = s.startReadAhead(r)
		defer ra.stop()
	}
	var (
		buf     = cur[tailRoom : tailRoom+n]
		base    int64 // stream offset of buf[0]
		pos     int   // loop position in buf
		lastEnd int   // end of the last finding, in buf
		emitted int   // buf[:emitted] has been handed to fn
		err     error
		f       Finding // the finding being handed on (one allocation)
	)
	text := func(to int) {
		if err == nil && to > emitted {
			err = fn(Segment{Offset: base + int64(emitted), Data: buf[emitted:to]})
			emitted = to
		}
	}
	found := func(g Finding) {
		if err != nil {
			return
		}
		start := int(g.Offset - base)
		text(start)
		if err == nil {
			f = g
			err = fn(Segment{Offset: f.Offset, Data: buf[start : start+f.Length], Finding: &f})
			emitted = start + f.Length
		}
	}
	for {
		to := len(buf) - ctxAfter
		if eof {
			to = len(buf)
		}
		if to > pos {
			pos, lastEnd = s.scanRange(buf, base, pos, to, lastEnd, found)
		}
		if eof {
			text(len(buf))
			return err
		}
		text(pos - maxLookBehind)
		if err != nil {
			return err
		}
		// Carry over the context behind the loop and everything not yet
		// handed on, in front of the next chunk's data.
		keep := max(min(emitted, pos-ctxBefore), 0)
		tail := buf[keep:]
		c := <-ra.full
		if c.err != nil && !errors.Is(c.err, io.EOF) {
			s.putBuf(c.buf)
			return c.err
		}
		start := tailRoom - len(tail)
		copy(c.buf[start:], tail)
		ra.free <- cur
		cur = c.buf
		buf, eof = cur[start:tailRoom+c.n], c.err != nil
		base += int64(keep)
		pos -= keep
		emitted -= keep
		lastEnd = max(lastEnd-keep, 0)
	}
}

// fill reads into b until it is full or r returns an error (io.EOF
// included), and returns how many bytes it read.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// getBuf returns a buffer for ScanReader: tailRoom bytes, then room for a
// chunk.
func (s *Scanner) getBuf() []byte {
	if p, ok := s.bufs.Get().(*[]byte); ok {
		return *p
	}
	return make([]byte, tailRoom+s.chunkSize)
}

// putBuf keeps b for a later ScanReader; nothing may use it after.
func (s *Scanner) putBuf(b []byte) { s.bufs.Put(&b) }

// readAhead reads a stream chunk after chunk on its own goroutine, into
// buffers of tailRoom bytes and a chunk's room that the scanning goroutine
// hands back when done with them: two in all, one being scanned while the
// other is filled. A buffer belongs to one side at a time: the reader's
// until it is received from full, the scanner's until it is sent on free.
type readAhead struct {
	s      *Scanner
	full   chan chunk  // filled buffers, in stream order
	free   chan []byte // buffers to fill again
	done   chan struct{}
	exited chan struct{}
}

// chunk is one buffer filled by a readAhead: n bytes from tailRoom on,
// then err (io.EOF at the end of the stream).
type chunk struct {
	buf []byte
	n   int
	err error
}

func (s *Scanner) startReadAhead(r io.Reader) *readAhead {
	ra := &readAhead{
		s:      s,
		full:   make(chan chunk),
		free:   make(chan []byte, 2),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	go ra.loop(r)
	return ra
}

func (ra *readAhead) loop(r io.Reader) {
	defer close(ra.exited)
	b := ra.s.getBuf()
	for {
		n, err := fill(r, b[tailRoom:])
		select {
		case ra.full <- chunk{b, n, err}:
		case <-ra.done:
			ra.s.putBuf(b)
			return
		}
		if err != nil {
			return
		}
		select {
		case b = <-ra.free:
		case <-ra.done:
			return
		}
	}
}

// stop ends the reading goroutine and waits for it, so that r is not read
// after ScanReader returns (a Read under way is let finish), then keeps
// the buffers handed back to it.
func (ra *readAhead) stop() {
	close(ra.done)
	<-ra.exited
	for len(ra.free) > 0 {
		ra.s.putBuf(<-ra.free)
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
