package pii

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Reference versions of the validators rewritten for speed: the
// straightforward loops they replace.

// luhnRef is luhn a digit at a time.
func luhnRef(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// residentSumRef is residentSum a digit at a time.
func residentSumRef(d string) int {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(d[i]-'0') * residentWeights[i]
	}
	return sum
}

// TestLuhnWords holds luhn (both instantiations) to luhnRef on random
// digit strings of every length up to 30, on the strings of one digit
// and zeros, and on all nines.
func TestLuhnWords(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(d string) {
		t.Helper()
		want := luhnRef(d)
		if got := luhn(d); got != want {
			t.Fatalf("luhn(%q) = %v, reference %v", d, got, want)
		}
		if got := luhn([]byte(d)); got != want {
			t.Fatalf("luhn([]byte(%q)) = %v, reference %v", d, got, want)
		}
	}
	for n := 1; n <= 30; n++ {
		for c := byte('0'); c <= '9'; c++ {
			check(strings.Repeat(string(c), n))
			for p := 0; p < n; p++ {
				b := []byte(strings.Repeat("0", n))
				b[p] = c
				check(string(b))
			}
		}
		for k := 0; k < 20000; k++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = '0' + byte(r.IntN(10))
			}
			check(string(b))
		}
	}
}

// TestResidentSum holds residentSum to residentSumRef on random digits
// and on every digit in every place.
func TestResidentSum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	check := func(d string) {
		t.Helper()
		want := residentSumRef(d)
		if got := residentSum(d); got != want {
			t.Fatalf("residentSum(%q) = %d, reference %d", d, got, want)
		}
		if got := residentSum([]byte(d)); got != want {
			t.Fatalf("residentSum([]byte(%q)) = %d, reference %d", d, got, want)
		}
	}
	for c := byte('0'); c <= '9'; c++ {
		check(strings.Repeat(string(c), 17))
		for p := 0; p < 17; p++ {
			b := []byte(strings.Repeat("0", 17))
			b[p] = c
			check(string(b))
		}
	}
	for k := 0; k < 200000; k++ {
		b := make([]byte, 17+r.IntN(3))
		for i := range b {
			b[i] = '0' + byte(r.IntN(10))
		}
		check(string(b))
	}
}

// validUSCCRef is validUSCC a character at a time.
func validUSCCRef(u string) bool {
	switch c := u[0]; {
	case c >= '1' && c <= '9', c == 'A', c == 'N', c == 'Y':
	default:
		return false
	}
	for i := 1; i < 8; i++ {
		if !isDigit(u[i]) {
			return false
		}
	}
	if p := num2(u[2:4]); !provinces[p] && p != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue[u[i]]
		if v == 0 {
			return false
		}
		sum += int(v-1) * usccWeights[i]
	}
	c := (31 - sum%31) % 31
	return usccValue[u[17]] == uint8(c+1)
}

// TestValidUSCCWords holds validUSCC to validUSCCRef on random codes,
// most of them well formed, a fifth with their check character made
// right, and with one byte from outside the alphabet put in.
func TestValidUSCCWords(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const other = "IOSVZabcxy-_ \\\x00\xff/:"
	pick := func(s string) byte { return s[r.IntN(len(s))] }
	provs := []int{10, 11, 12, 31, 44, 65, 71, 91, 19, 0, 99}
	valid := 0
	for k := 0; k < 300000; k++ {
		u := make([]byte, 18)
		u[0] = pick("123456789ANY0BZ")
		u[1] = pick("0123456789")
		p := provs[r.IntN(len(provs))]
		u[2], u[3] = '0'+byte(p/10), '0'+byte(p%10)
		for i := 4; i < 8; i++ {
			u[i] = pick("0123456789")
		}
		for i := 8; i < 18; i++ {
			u[i] = pick(usccAlphabet)
		}
		if k%5 == 0 {
			sum := 0
			for i := 0; i < 17; i++ {
				sum += int(usccValue[u[i]]-1) * usccWeights[i]
			}
			u[17] = usccAlphabet[(31-sum%31)%31]
		}
		if k%7 == 0 {
			u[r.IntN(18)] = pick(other)
		}
		want := validUSCCRef(string(u))
		if want {
			valid++
		}
		if got := validUSCC(u); got != want {
			t.Fatalf("validUSCC(%q) = %v, reference %v", u, got, want)
		}
		if got := validUSCC(string(u)); got != want {
			t.Fatalf("validUSCC(%q) = %v as a string, reference %v", u, got, want)
		}
	}
	if valid < 1000 {
		t.Fatalf("only %d valid codes generated", valid)
	}
}
