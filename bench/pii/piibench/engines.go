package main

import (
	"regexp"
	"strings"

	"custos.dev/custos/pii"
)

// The comparison engines: the same types as package pii, written as one
// regular expression, with pii's validators run on every match (the
// equivalent of "every validator on"). Go's regexp runs it in process;
// ripgrep runs it as a process, with ASCII word boundaries, which is what
// keeps it fast.

var patterns = []struct{ name, re string }{
	{"cn_resident_id", `\b[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]\b`},
	{"cn_mobile", `(?:\+86[ -]?|\b)1[3-9]\d[ -]?\d{4}[ -]?\d{4}\b`},
	{"bank_card", `\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{1,7}\b`},
	{"cn_uscc", `\b[1-9ANY]\d{7}[0-9A-HJ-NPQRTUWXY]{10}\b`},
	{"cn_passport", `\b(?:[EGDSP]\d{8}|[A-Z]{2}\d{7})\b`},
	{"email", `\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b`},
	{"ipv4", `\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b`},
	{"ipv6", `(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?|::(?:ffff:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?`},
	{"card_security_code", `(?i:cvv2?|cvc2?|cvn2?|security code|安全码)[ \t]*[:：=]?[ \t]*(?:是|is)?[ \t]*"?\d{3,4}\b`},
}

// goPattern is the alternation with one capture group per type.
func goPattern() string {
	var parts []string
	for _, p := range patterns {
		parts = append(parts, "("+p.re+")")
	}
	return strings.Join(parts, "|")
}

// rgPattern is the same for ripgrep: ASCII word boundaries and digits.
func rgPattern() string {
	return strings.NewReplacer(`\b`, `(?-u:\b)`, `\d`, `[0-9]`).Replace(goPattern())
}

// regexpScan counts the validated matches of the Go regexp in b.
func regexpScan(re *regexp.Regexp, b []byte) int {
	n := 0
	for _, m := range re.FindAllSubmatchIndex(b, -1) {
		for g := 1; g < len(m)/2; g++ {
			if m[2*g] < 0 {
				continue
			}
			v := string(b[m[2*g]:m[2*g+1]])
			if valid(patterns[g-1].name, v) {
				n++
			}
			break
		}
	}
	return n
}

func valid(typ, v string) bool {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == 'X' || r == 'x' {
			return r
		}
		return -1
	}, v)
	switch typ {
	case "cn_resident_id":
		return pii.ValidResidentID(v)
	case "cn_mobile":
		return pii.ValidMobile(v)
	case "bank_card":
		return pii.Luhn(digits)
	case "cn_uscc":
		return pii.ValidUSCC(v)
	}
	return true
}
