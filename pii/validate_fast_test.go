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
