package vault

import (
	"bytes"
	"testing"
)

func BenchmarkSeal1KB(b *testing.B) {
	_, dk := mustNewDataKey(b, mustKEK(b, mustKEKJSON(b)), "subject-a")
	pt := bytes.Repeat([]byte{0xa5}, 1024)
	ad := RecordAssociatedData("subject-a", "contact", "note")
	b.SetBytes(int64(len(pt)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dk.Seal(pt, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen1KB(b *testing.B) {
	_, dk := mustNewDataKey(b, mustKEK(b, mustKEKJSON(b)), "subject-a")
	pt := bytes.Repeat([]byte{0xa5}, 1024)
	ad := RecordAssociatedData("subject-a", "contact", "note")
	ct := mustSeal(b, dk, pt, ad)
	b.SetBytes(int64(len(pt)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dk.Open(ct, ad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnwrap is the cost a KeyCache hit saves.
func BenchmarkUnwrap(b *testing.B) {
	k := mustKEK(b, mustKEKJSON(b))
	wrapped, _ := mustNewDataKey(b, k, "subject-a")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Unwrap("subject-a", wrapped); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewDataKey(b *testing.B) {
	k := mustKEK(b, mustKEKJSON(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := k.NewDataKey("subject-a"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToken(b *testing.B) {
	tok := mustTokenizer(b)
	const v = "+86 138-0013-8000"
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tok.Token(KindMobile, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKeyCacheGet(b *testing.B) {
	c := NewKeyCache(0)
	_, dk := mustNewDataKey(b, mustKEK(b, mustKEKJSON(b)), "subject-a")
	c.Put("subject-a", dk)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := c.Get("subject-a"); !ok {
				b.Fatal("miss")
			}
		}
	})
}
