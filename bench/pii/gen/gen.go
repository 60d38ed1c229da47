// Package gen generates realistic support data — Chinese and English chat,
// tickets, application logs, JSON logs, access logs and stack traces —
// with planted PI, decoys that look like PI (timestamps, order numbers,
// trace ids, wrong check digits, version strings, MAC addresses) and the
// ground-truth label of every planted value. It is the benchmark and
// accuracy corpus for package pii (R-SUP-4, R-AGENT-1, R-PAY-1).
//
// All data is synthetic: no value comes from a real person. It must never
// be seeded with real support data.
package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Label is the ground truth for one planted value: its type (as pii names
// types), byte offset and length.
type Label struct {
	Type   string `json:"type"`
	Offset int64  `json:"offset"`
	Length int    `json:"length"`
}

// Generator writes documents one at a time. It is deterministic for a
// seed.
type Generator struct {
	v   values
	off int64 // bytes generated so far

	kind     string // only this kind of document; "" for the mix
	buf      []byte
	labels   []Label
	escape   bool // write non-ASCII as \uXXXX, like JSON encoders with ensure_ascii
	crlf     bool
	lastCard string
}

// New returns a generator seeded with seed.
func New(seed uint64) *Generator {
	return &Generator{v: values{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}}
}

// Next returns the next document and its labels, with offsets counted from
// the start of everything generated. The slices are reused by the next
// call.
func (g *Generator) Next() ([]byte, []Label) {
	g.buf, g.labels = g.buf[:0], g.labels[:0]
	g.escape, g.crlf = false, false
	v := g.v
	kind := g.kind
	if kind == "" {
		kind = pickKind(v.r.IntN(100))
	}
	switch kind {
	case "chat_zh":
		g.chat(zhChat, zhChatPlain, zhAgent, zhAgentPlain, "客户", "客服", "：")
	case "chat_en":
		g.chat(enChat, enChatPlain, enAgent, enAgentPlain, "Customer", "Agent", ": ")
	case "ticket_zh":
		g.crlf = v.chance(0.3)
		g.expand(v.pick(ticketZh...))
		for i := 0; i < 1+v.r.IntN(3); i++ {
			g.expand(v.pick(zhChat...))
			g.expand(v.pick(zhChatPlain...))
			g.text("\n")
		}
	case "ticket_en":
		g.crlf = v.chance(0.5)
		g.expand(v.pick(ticketEn...))
		for i := 0; i < 1+v.r.IntN(3); i++ {
			g.expand(v.pick(enChat...) + " ")
			g.expand(v.pick(enChatPlain...))
			g.text("\n")
		}
	case "app_log":
		for i := 0; i < 5+v.r.IntN(15); i++ {
			if v.chance(0.4) {
				g.expand(v.pick(logLines...))
			} else {
				g.expand(v.pick(routineLogs...))
			}
			g.text("\n")
		}
	case "json_log":
		g.escape = v.chance(0.5)
		for i := 0; i < 3+v.r.IntN(8); i++ {
			g.expand(v.pick(jsonLogs...))
			g.text("\n")
		}
	case "stack_trace":
		g.expand(v.pick(stackTraces...))
		if v.chance(0.6) {
			for i := 0; i < 5+v.r.IntN(30); i++ {
				g.expand(v.pick(javaFrames...))
			}
		}
	default: // access_log
		for i := 0; i < 3+v.r.IntN(8); i++ {
			g.expand(accessLog)
			g.text("\n")
		}
	}
	g.text("\n")
	g.off += int64(len(g.buf))
	return g.buf, g.labels
}

// Kinds are the kinds of document, in the order of their share of the
// mix (by document count): chat_zh 25%, chat_en 10%, ticket_zh 10%,
// ticket_en 5%, app_log 22%, json_log 15%, stack_trace 6%, access_log 7%.
var Kinds = []string{"chat_zh", "chat_en", "ticket_zh", "ticket_en", "app_log", "json_log", "stack_trace", "access_log"}

var kindCut = []int{25, 35, 45, 50, 72, 87, 93, 100}

func pickKind(k int) string {
	for i, c := range kindCut {
		if k < c {
			return Kinds[i]
		}
	}
	return Kinds[len(Kinds)-1]
}

// NewKind returns a generator of documents of one kind only (one of
// Kinds), for measuring the scanner per kind.
func NewKind(seed uint64, kind string) *Generator {
	g := New(seed)
	g.kind = kind
	return g
}

// chat writes a conversation; most messages carry no PI.
func (g *Generator) chat(customer, customerPlain, agent, agentPlain []string, who, staff, colon string) {
	g.crlf = g.v.chance(0.1)
	pick := func(pi, plain []string) string {
		if g.v.chance(0.35) {
			return g.v.pick(pi...)
		}
		return g.v.pick(plain...)
	}
	for i := 0; i < 4+g.v.r.IntN(12); i++ {
		g.text("[")
		g.expand("{ts}")
		if g.v.chance(0.6) {
			g.text("] " + who + colon)
			g.expand(pick(customer, customerPlain))
		} else {
			g.text("] " + staff + colon)
			g.expand(pick(agent, agentPlain))
		}
		g.text("\n")
	}
}

// text writes literal text, escaped and with line ends as the document
// wants them.
func (g *Generator) text(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n' && g.crlf:
			g.buf = append(g.buf, '\r', '\n')
			i++
		case c >= utf8.RuneSelf && g.escape:
			r, size := utf8.DecodeRuneInString(s[i:])
			g.buf = fmt.Appendf(g.buf, `\u%04x`, r)
			i += size
		default:
			g.buf = append(g.buf, c)
			i++
		}
	}
}

// pi writes a planted value and labels it.
func (g *Generator) pi(typ, val string) {
	g.labels = append(g.labels, Label{Type: typ, Offset: g.off + int64(len(g.buf)), Length: len(val)})
	g.buf = append(g.buf, val...)
}

// expand writes a template.
func (g *Generator) expand(tpl string) {
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			g.text(tpl)
			return
		}
		j := strings.IndexByte(tpl[i:], '}')
		var f func(*Generator)
		if j > 0 {
			f = fillers[tpl[i+1:i+j]]
		}
		if f == nil {
			// A literal brace (JSON, Go traces).
			g.text(tpl[:i+1])
			tpl = tpl[i+1:]
			continue
		}
		g.text(tpl[:i])
		f(g)
		tpl = tpl[i+j+1:]
	}
}
