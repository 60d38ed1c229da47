package scan

import (
	"bufio"
	"io"
	"strconv"
	"unicode/utf8"

	"custos.dev/custos/pii"
)

// output writes findings as text lines or JSON lines, or the redacted
// input.
type output struct {
	w    *bufio.Writer
	cfg  Config
	mode pii.Mode
	buf  []byte
	red  []byte // one-finding scratch for redaction
	file []byte // JSON-quoted name of the current file
	name string
	// confs holds confidences already formatted: the scanner gives few
	// distinct ones, and formatting a float costs more than the rest of
	// a finding's line.
	confs []confText
}

type confText struct {
	c    float32
	text []byte
}

// appendConfidence appends c with two decimals.
func (o *output) appendConfidence(b []byte, c float32) []byte {
	for i := range o.confs {
		if o.confs[i].c == c {
			return append(b, o.confs[i].text...)
		}
	}
	t := strconv.AppendFloat(nil, float64(c), 'f', 2, 32)
	if len(o.confs) < 16 {
		o.confs = append(o.confs, confText{c, t})
	}
	return append(b, t...)
}

func newOutput(w io.Writer, cfg Config, mode pii.Mode) *output {
	return &output{w: bufio.NewWriterSize(w, 256<<10), cfg: cfg, mode: mode}
}

func (o *output) flush() error { return o.w.Flush() }

// text receives the bytes between findings.
func (o *output) text(b []byte) error {
	if o.mode == nil {
		return nil
	}
	_, err := o.w.Write(b)
	return err
}

// finding receives one finding and its bytes.
func (o *output) finding(name string, seg pii.Segment, pos position) error {
	f := seg.Finding
	if o.mode != nil {
		o.red = pii.Redact(o.red[:0], seg.Data, o.mode, []pii.Finding{{Type: f.Type, Length: f.Length}})
		_, err := o.w.Write(o.red)
		return err
	}
	b := o.buf[:0]
	if o.cfg.JSON {
		if name != o.name || o.file == nil {
			o.name, o.file = name, appendJSONString(nil, name)
		}
		b = append(b, `{"file":`...)
		b = append(b, o.file...)
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, f.Offset, 10)
		b = append(b, `,"length":`...)
		b = strconv.AppendInt(b, int64(f.Length), 10)
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, pos.line, 10)
		b = append(b, `,"type":"`...)
		b = append(b, f.Type.String()...)
		b = append(b, `","confidence":`...)
		b = o.appendConfidence(b, f.Confidence)
		b = append(b, `,"reason":"`...)
		b = append(b, f.Reason.String()...)
		b = append(b, '"')
		if o.cfg.ShowValues {
			b = append(b, `,"value":`...)
			b = appendJSONString(b, string(seg.Data))
		}
		b = append(b, "}\n"...)
	} else {
		// file:line:column: type confidence reason [value]
		b = append(b, name...)
		b = append(b, ':')
		b = strconv.AppendInt(b, pos.line, 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, f.Offset-pos.lineStart+1, 10)
		b = append(b, ": "...)
		b = append(b, f.Type.String()...)
		b = append(b, ' ')
		b = o.appendConfidence(b, f.Confidence)
		b = append(b, ' ')
		b = append(b, f.Reason.String()...)
		if o.cfg.ShowValues {
			b = append(b, ' ')
			b = append(b, seg.Data...)
		}
		b = append(b, '\n')
	}
	o.buf = b
	_, err := o.w.Write(b)
	return err
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
