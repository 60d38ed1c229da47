package pii_test

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos/pii"
)

// FuzzScan checks, for any input: findings are in order, inside the input
// and disjoint; every value passes its type's validator; and streaming in
// tiny chunks and splitting between goroutines find exactly the same.
// Seeds are in testdata/fuzz/FuzzScan.
func FuzzScan(f *testing.F) {
	defer pii.SetSplitting(64, 1)()
	f.Fuzz(func(t *testing.T, data []byte) {
		fs := pii.Scan(data)
		var end int64
		for _, x := range fs {
			if x.Offset < end || x.Length <= 0 || x.End() > int64(len(data)) {
				t.Fatalf("finding %+v out of order or bounds (prev end %d, len %d)", x, end, len(data))
			}
			if x.Confidence <= 0 || x.Confidence > 1 || x.Type.String() == "" {
				t.Fatalf("finding %+v malformed", x)
			}
			end = x.End()
			checkValue(t, x.Type, string(data[x.Offset:x.End()]))
		}

		// Make the input long enough to be cut, then cut it everywhere.
		big := data
		for len(big) > 0 && len(big) < 3000 {
			big = append(big[:len(big):len(big)], data...)
		}
		want := pii.Scan(big)
		chunk := 1 + len(data)%97
		var got []pii.Finding
		var out []byte
		err := pii.NewScanner(pii.Options{ChunkSize: chunk}).ScanReader(bytes.NewReader(big), func(s pii.Segment) error {
			if s.Finding != nil {
				got = append(got, *s.Finding)
			}
			out = append(out, s.Data...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, big) {
			t.Fatal("segments do not add up to the input")
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("chunk %d (-whole +stream):\n%s", chunk, diff)
		}
		par := pii.NewScanner(pii.Options{Workers: 3}).FindAll(big)
		if diff := cmp.Diff(want, par); diff != "" {
			t.Fatalf("(-whole +parallel):\n%s", diff)
		}
	})
}

// checkValue re-validates a reported value with the exported validators.
func checkValue(t *testing.T, typ pii.Type, v string) {
	t.Helper()
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == 'X' || r == 'x' {
			return r
		}
		return -1
	}, v)
	ok := true
	switch typ {
	case pii.ResidentID:
		ok = pii.ValidResidentID(digits) || len(digits) == 15
	case pii.Mobile:
		ok = pii.ValidMobile(v)
	case pii.BankCard:
		ok = pii.Luhn(digits) && len(digits) >= 13 && len(digits) <= 19
	case pii.CardSecurityCode:
		ok = len(v) >= 3 && len(v) <= 4 && digits == v
	case pii.USCC:
		ok = pii.ValidUSCC(v)
	case pii.Passport:
		ok = len(v) == 9
	case pii.Email:
		ok = strings.Count(v, "@") == 1 && utf8.ValidString(v)
	case pii.IPv4:
		a, err := netip.ParseAddr(v)
		ok = err == nil && a.Is4()
	case pii.IPv6:
		a, err := netip.ParseAddr(v)
		ok = err == nil && a.Is6()
	}
	if !ok {
		t.Fatalf("%v %q fails its validator", typ, v)
	}
}
