package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Value generators. The check characters are computed here independently
// of package pii, so the corpus checks the scanner rather than echoing it.

type values struct{ r *rand.Rand }

func (v values) pick(s ...string) string { return s[v.r.IntN(len(s))] }
func (v values) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + v.r.IntN(10))
	}
	return string(b)
}
func (v values) hex(n int) string {
	const h = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[v.r.IntN(16)]
	}
	return string(b)
}
func (v values) chance(p float64) bool { return v.r.Float64() < p }

// Mobile segments in use (a sample of the allocation table).
var segs = []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "170", "171", "173",
	"175", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188",
	"189", "191", "195", "198", "199"}

func (v values) mobileDigits() string { return v.pick(segs...) + v.digits(8) }

// mobile writes a mobile number in one of the ways people write them.
func (v values) mobile() string {
	m := v.mobileDigits()
	switch v.r.IntN(10) {
	case 0:
		return m[:3] + " " + m[3:7] + " " + m[7:]
	case 1:
		return m[:3] + "-" + m[3:7] + "-" + m[7:]
	case 2:
		return "+86 " + m[:3] + " " + m[3:7] + " " + m[7:]
	case 3:
		return "+86" + m
	case 4:
		return "+86-" + m[:3] + "-" + m[3:7] + "-" + m[7:]
	}
	return m
}

// badMobile is eleven digits outside the segment table.
func (v values) badMobile() string {
	return v.pick("100", "104", "110", "120", "122", "154", "160") + v.digits(8)
}

var provinceCodes = []string{"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
	"35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
	"63", "64", "65"}

func gb11643(d17 string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	s := 0
	for i := 0; i < 17; i++ {
		s += int(d17[i]-'0') * w[i]
	}
	return "10X98765432"[s%11]
}

func (v values) birth() string {
	y := 1950 + v.r.IntN(60)
	m := 1 + v.r.IntN(12)
	d := 1 + v.r.IntN(28)
	return fmt.Sprintf("%04d%02d%02d", y, m, d)
}

func (v values) residentID() string {
	d := v.pick(provinceCodes...) + fmt.Sprintf("%02d%02d", 1+v.r.IntN(20), 1+v.r.IntN(30)) + v.birth() + v.digits(3)
	c := gb11643(d)
	if c == 'X' && v.chance(0.2) {
		c = 'x'
	}
	return d + string(c)
}

// badResidentID has a wrong check character.
func (v values) badResidentID() string {
	id := v.residentID()
	good := id[17]
	for {
		c := "0123456789X"[v.r.IntN(11)]
		if c != good && !(good == 'x' && c == 'X') {
			return id[:17] + string(c)
		}
	}
}

func luhnDigit(body string) byte {
	s := 0
	double := true
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		s += d
		double = !double
	}
	return byte('0' + (10-s%10)%10)
}

// cardDigits returns a Luhn-valid PAN of a real scheme and length.
func (v values) cardDigits() string {
	var prefix string
	n := 16
	switch v.r.IntN(10) {
	case 0, 1, 2, 3:
		prefix = v.pick("622202", "621700", "622848", "621483", "622588", "625965", "621226")
		n = v.pick2(16, 19)
	case 4, 5:
		prefix = "4" + v.digits(5)
	case 6, 7:
		prefix = v.pick("51", "52", "53", "54", "55") + v.digits(4)
	case 8:
		prefix = v.pick("34", "37") + v.digits(4)
		n = 15
	default:
		prefix = "35" + v.pick("28", "30", "66", "89") + v.digits(2)
	}
	body := prefix + v.digits(n-1-len(prefix))
	return body + string(luhnDigit(body))
}

func (v values) pick2(a, b int) int {
	if v.r.IntN(2) == 0 {
		return a
	}
	return b
}

func group4(d, sep string) string {
	var sb strings.Builder
	for i := 0; i < len(d); i += 4 {
		if i > 0 {
			sb.WriteString(sep)
		}
		sb.WriteString(d[i:min(i+4, len(d))])
	}
	return sb.String()
}

func (v values) card() string {
	d := v.cardDigits()
	switch v.r.IntN(4) {
	case 0:
		return group4(d, " ")
	case 1:
		return group4(d, "-")
	}
	return d
}

// badCard fails the Luhn check.
func (v values) badCard() string {
	d := v.cardDigits()
	last := d[len(d)-1]
	return d[:len(d)-1] + string('0'+(last-'0'+1+byte(v.r.IntN(9)))%10)
}

// orderNumber is what shops use: a date and a serial, or a long random
// number that may well pass Luhn and start like a card.
func (v values) orderNumber() string {
	switch v.r.IntN(3) {
	case 0:
		return "2024" + fmt.Sprintf("%02d%02d", 1+v.r.IntN(12), 1+v.r.IntN(28)) + v.digits(10+v.r.IntN(3))
	case 1:
		// A Luhn-valid number with a card prefix: only the keyword tells.
		body := v.pick("62", "4", "5", "37") + v.digits(14)
		body = body[:15]
		return body + string(luhnDigit(body))
	}
	return v.digits(16 + v.r.IntN(4))
}

const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func gb32100(s17 string) byte {
	w := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	s := 0
	for i := 0; i < 17; i++ {
		s += strings.IndexByte(usccChars, s17[i]) * w[i]
	}
	return usccChars[(31-s%31)%31]
}

func (v values) usccBody() string {
	org := make([]byte, 9)
	for i := range org {
		if i < 2 && v.chance(0.3) {
			org[i] = usccChars[10+v.r.IntN(21)]
		} else {
			org[i] = usccChars[v.r.IntN(10)]
		}
	}
	if v.chance(0.5) {
		org[8] = usccChars[v.r.IntN(31)]
	}
	return v.pick("91", "92", "93", "11", "12", "51", "52", "Y1") + v.pick(provinceCodes...) +
		fmt.Sprintf("%02d%02d", v.r.IntN(20), 1+v.r.IntN(30)) + string(org)
}

func (v values) uscc() string {
	b := v.usccBody()
	return b + string(gb32100(b))
}

func (v values) badUSCC() string {
	b := v.usccBody()
	good := gb32100(b)
	for {
		if c := usccChars[v.r.IntN(31)]; c != good {
			return b + string(c)
		}
	}
}

func (v values) passport() string {
	if v.chance(0.6) {
		return v.pick("E", "G", "E", "D", "S", "P") + v.digits(8)
	}
	return "E" + string(usccChars[10+v.r.IntN(21)]) + v.digits(7)
}

var (
	given   = []string{"wei", "fang", "min", "jing", "li", "qiang", "lei", "yan", "jun", "tao", "alice", "bob", "chen.hui", "zhang_san", "li-si", "wang.xm"}
	domains = []string{"qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "example.com", "sina.com.cn", "foxmail.com", "corp.example.cn", "hotmail.com"}
)

func (v values) email() string {
	var local string
	switch v.r.IntN(4) {
	case 0:
		local = v.digits(6 + v.r.IntN(5)) // QQ numbers: qq.com addresses
		return local + "@qq.com"
	case 1:
		local = v.pick(given...) + v.digits(2+v.r.IntN(3))
	default:
		local = v.pick(given...)
	}
	if v.chance(0.2) {
		local = strings.ToUpper(local[:1]) + local[1:]
	}
	return local + "@" + v.pick(domains...)
}

func (v values) ipv4() string {
	switch v.r.IntN(4) {
	case 0:
		return fmt.Sprintf("192.168.%d.%d", v.r.IntN(256), 1+v.r.IntN(254))
	case 1:
		return fmt.Sprintf("10.%d.%d.%d", v.r.IntN(256), v.r.IntN(256), 1+v.r.IntN(254))
	}
	return fmt.Sprintf("%d.%d.%d.%d", 1+v.r.IntN(223), v.r.IntN(256), v.r.IntN(256), 1+v.r.IntN(254))
}

func (v values) ipv6() string {
	g := func() string { return fmt.Sprintf("%x", v.r.IntN(0x10000)) }
	switch v.r.IntN(6) {
	case 0:
		parts := make([]string, 8)
		for i := range parts {
			parts[i] = fmt.Sprintf("%04x", v.r.IntN(0x10000))
		}
		parts[0] = "2001"
		return strings.Join(parts, ":")
	case 1:
		return "2001:db8::" + g() + ":" + g()
	case 2:
		return fmt.Sprintf("fe80::%x:%x:%x:%x", 0x1000+v.r.IntN(0xf000), v.r.IntN(0x10000), v.r.IntN(0x10000), 0x1000+v.r.IntN(0xf000))
	case 3:
		return "::1"
	case 4:
		return "::ffff:" + v.ipv4()
	}
	return fmt.Sprintf("240e:%x:%x:%x::%x", 0x100+v.r.IntN(0xf00), v.r.IntN(0x10000), v.r.IntN(0x10000), 1+v.r.IntN(0xfff0))
}

func (v values) cvv(card string) string {
	if n := len(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, card)); n == 15 {
		return v.digits(4)
	}
	return v.digits(3)
}
