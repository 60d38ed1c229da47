package pii

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos/bench/pii/gen"
)

// TestClassify checks the SIMD classifier against classifyGeneric, and
// the SIMD event computation against eventsGeneric, on every byte value
// in every position and on random and generated text, with random
// classes for the bytes before each batch.
func TestClassify(t *testing.T) {
	if !haveSIMD {
		t.Skip("no SIMD classifier on this processor")
	}
	var in []byte
	for c := 0; c < 256; c++ { // each byte value in each of the 64 positions
		for k := 0; k < 64; k++ {
			blk := bytes.Repeat([]byte{'a'}, 64)
			blk[k] = byte(c)
			in = append(in, blk...)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 1<<16; k++ {
		in = append(in, byte(r.Uint32()))
	}
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 1<<20, 3); err != nil {
		t.Fatal(err)
	}
	in = append(in, buf.Bytes()...)
	for name, use := range simdVariants() {
		restore := use()
		checkClassify(t, name, in, r)
		restore()
	}
}

func checkClassify(t *testing.T, name string, in []byte, r *rand.Rand) {
	t.Helper()
	for off := 0; off < 64; off += 7 { // unaligned starts
		src := in[off:]
		n := len(src) / 64
		for k := 0; k < n; k += batchBlocks { // in batches, as the loop calls it
			nb := min(batchBlocks, n-k)
			var want, got batchBits
			// The slots of the bytes before the batch, and those past nb,
			// are the caller's: the same in both.
			for _, a := range []*[batchBlocks + 2]uint64{&want.dig, &want.colon, &want.at, &want.word, &want.hex, &want.dot, &want.sep, &want.u,
				&want.letter, &want.slash, &want.dash, &want.spt, &want.comma, &want.conn, &want.kw1, &want.kw2} {
				for i := range a {
					a[i] = r.Uint64()
				}
			}
			got = want
			classifyGeneric(src[64*k:], &want, nb)
			classifySIMD(src[64*k:], &got, nb)
			if !got.cvvRule {
				// This classifier leaves the rule of security codes off.
				want.conn, want.kw1, want.kw2, want.cvvRule = got.conn, got.kw1, got.kw2, false
			}
			if want != got {
				t.Fatalf("%s: offset %d blocks %d-%d (%q):\nwant %+v\ngot  %+v", name, off, k, k+nb, src[64*k:64*k+64*nb], want, got)
			}
			var wantEv, gotEv batchEvents
			eventsGeneric(&want, &wantEv, nb)
			eventsSIMD(&got, &gotEv, nb)
			if !slices.Equal(wantEv.ev[:nb], gotEv.ev[:nb]) || !slices.Equal(wantEv.loud[:nb], gotEv.loud[:nb]) ||
				!slices.Equal(wantEv.stamp[:nb], gotEv.stamp[:nb]) {
				t.Fatalf("%s: offset %d blocks %d-%d (%q):\nwant %+v\ngot  %+v", name, off, k, k+nb, src[64*k:64*k+64*nb], wantEv, gotEv)
			}
		}
	}
}

// loops are the fast loops the reference loop is checked against: the
// word loop, the block loop with classifyGeneric, and the block loop with
// each SIMD classifier the processor has.
func loops() map[string]func(st *state, i, to int) int {
	m := map[string]func(st *state, i, to int) int{
		"words":          (*state).runWords,
		"blocks/generic": func(st *state, i, to int) int { return st.runBlocks(i, to, false) },
	}
	if haveSIMD {
		for name, use := range simdVariants() {
			m["blocks/"+name] = func(st *state, i, to int) int {
				defer use()()
				return st.runBlocks(i, to, true)
			}
		}
	}
	return m
}

// loopRun is one call of a loop on b[i:to] with a fresh state whose last
// finding ended at lastEnd: the findings, where the loop stopped, and
// where its last finding ended.
type loopRun struct {
	fs           []Finding
	pos, lastEnd int
}

func runLoop(b []byte, i, to, lastEnd int, run func(st *state, i, to int) int) loopRun {
	var r loopRun
	st := state{b: b, s: defaultScanner, lastEnd: lastEnd, to: to, emit: func(f Finding) { r.fs = append(r.fs, f) }}
	r.pos = run(&st, i, to)
	r.lastEnd = st.lastEnd
	return r
}

// checkLoops holds every fast loop to the reference loop on b: the whole
// buffer, and ranges that start and end anywhere, as a streamed chunk or
// a split does (a range may start inside a token). A loop must find what
// the reference finds in the range, and stop where going on finds what
// going on from the reference's stop finds. (The stops themselves may
// differ: a quiet run is passed over to its end, where digits would have
// stepped to the end of a \uXXXX escape around it; nothing is found in
// between either way.)
func checkLoops(t *testing.T, b []byte, ranges [][2]int) {
	t.Helper()
	ref := func(st *state, i, to int) int { return st.runReference(i, to) }
	rest := func(r loopRun) []Finding {
		if r.pos >= len(b) {
			return nil
		}
		return runLoop(b, r.pos, len(b), r.lastEnd, ref).fs
	}
	ranges = append(ranges, [2]int{0, len(b)})
	for _, r := range ranges {
		want := runLoop(b, r[0], r[1], r[0], ref)
		wantRest := rest(want)
		for name, run := range loops() {
			got := runLoop(b, r[0], r[1], r[0], run)
			if diff := cmp.Diff(want.fs, got.fs); diff != "" {
				t.Fatalf("%s on [%d, %d) of %d bytes %q... (-reference +fast):\n%s", name, r[0], r[1], len(b), b[:min(len(b), 200)], diff)
			}
			if got.pos < r[1] {
				t.Fatalf("%s on [%d, %d) of %d bytes %q... stopped at %d", name, r[0], r[1], len(b), b[:min(len(b), 200)], got.pos)
			}
			if diff := cmp.Diff(wantRest, rest(got)); diff != "" {
				t.Fatalf("%s on [%d, %d) of %d bytes %q... stopped at %d, reference at %d; going on (-reference +fast):\n%s",
					name, r[0], r[1], len(b), b[:min(len(b), 200)], got.pos, want.pos, diff)
			}
		}
	}
}

// TestLoopsCorpus runs checkLoops on generated support data and on the
// adversarial inputs, with random ranges.
func TestLoopsCorpus(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 1<<20, 13); err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{buf.Bytes()}
	for _, unit := range []string{"0123456789", "13800138000 ", "6222 0212 3456 ", "1.2.3.4.", "a:b::", "a@b.",
		"\\u5361\\u53f713800138000\\u2024-05-19 ", "2024-05-19 09:12:31.889 ", "\\\\u1234 \\u12345 ", "x_1:2:3 ab::1 ",
		// Security codes after connectors that reach back over a block's
		// start (the unit's length is odd: every alignment comes).
		"4111111111111111 cvv: 123, cvc2 = \"4567\" exec-595] 1234 ;",
		// Runs of groups that grouped goes through, with the starts
		// where the loop would come back in between.
		"6222 0212 3456 7890 128 1234-5678-9012-3456 86 138 0013 8000 ",
		"\u5b89\u5168\u7801 1234 5678 9012 3456 7890 123 cvv2 4567 ",
		"110105 19900307 002X 0212 3456 2024-05-19 1234 12 34 567 ",
		"4111-1111-1111-1111-5 0086 138 0013 8000 138 0013 8000 1 ",
		"4111 1111 1111 1111 cvv 123 4567 cvc2 1234-5678 \u7801 1234 5678 9012 ;",
		// A code before its card, the densest input: grouped turns the
		// code away as the first group of nothing.
		"cvv 123 4111111111111111 138 1234567 8000 "} {
		inputs = append(inputs, bytes.Repeat([]byte(unit), 4096/len(unit)+1))
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, in := range inputs {
		var ranges [][2]int
		for k := 0; k < 50; k++ {
			i := r.IntN(len(in))
			to := i + r.IntN(min(len(in)-i, 2000)+1)
			ranges = append(ranges, [2]int{i, to})
		}
		checkLoops(t, in, ranges)
	}
}

// TestCardSeenStartsCard checks that wherever a loop stands, the card the
// state remembers (st.cardSeen, set by card searches and by plain cards
// found) starts a card as cardAt sees one: security codes are answered
// by it without a search.
func TestCardSeenStartsCard(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 1<<20, 13); err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{buf.Bytes()}
	for _, unit := range []string{"cvv 123 4111111111111111 ", "x4111111111111111 cvv 123 _4111111111111111 cvv 123 ",
		"\\u00314111111111111111 cvv 123 \\n4111111111111111 cvv 1234 \\u0031 4111111111111111 cvv: 123 ",
		"4111 1111 1111 1111 cvv 123 4111-1111-1111-1111 cvc 4567 41111111111111111 cvv 123 "} {
		inputs = append(inputs, bytes.Repeat([]byte(unit), 4096/len(unit)+1))
	}
	for _, b := range inputs {
		for name, run := range loops() {
			st := &state{b: b, s: defaultScanner, to: len(b)}
			check := func() {
				if c := st.cardSeen - 1; c >= 0 && !cardAt(b, c) {
					t.Fatalf("%s on %q...: cardSeen-1 = %d, where no card starts (%q)", name, b[:min(len(b), 100)], c, b[c:min(len(b), c+20)])
				}
			}
			st.emit = func(Finding) { check() }
			run(st, 0, len(b))
			check()
		}
	}
}

// TestStampMarks checks that every time stamp the bit rules mark starts
// a stamp dateEnd ends 23 bytes on, as runBlocks takes it, for each way
// of classifying, on generated text and on stamps at every offset to a
// block's end; and that stamps running on into the next block are marked.
func TestStampMarks(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 1<<20, 5); err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{buf.Bytes()}
	for pad := 0; pad < 64; pad++ {
		unit := strings.Repeat("x", pad) + "2024-05-19 09:12:31.889] "
		inputs = append(inputs, bytes.Repeat([]byte(unit), 1024/len(unit)+2))
	}
	// Near misses: each byte of a stamp and the two after it changed to
	// each byte the rules look at, on both sides of a block's end.
	var near []byte
	const stamp = "2024-05-19 09:12:31.889]5"
	for i := range len(stamp) + 1 {
		for _, c := range []byte("0:.,- Ta/\n") {
			for _, pad := range []int{1, 30, 39, 40, 45, 50, 63} {
				u := []byte(strings.Repeat("x", pad) + stamp + "5")
				u[pad+i] = c
				near = append(near, u...)
				near = append(near, make([]byte, (64-len(near)%64)%64)...)
			}
		}
	}
	inputs = append(inputs, near)
	type variant struct {
		name string
		simd bool
		use  func() func()
	}
	variants := []variant{{name: "generic"}}
	if haveSIMD {
		for name, use := range simdVariants() {
			variants = append(variants, variant{name, true, use})
		}
	}
	for _, v := range variants {
		if v.use != nil {
			defer v.use()()
		}
		marked, crossing := 0, 0
		for _, full := range inputs {
			var bb batchBits
			var evs batchEvents
			for base := 0; base+64 <= len(full); base += 64 * batchBlocks {
				nb := min(batchBlocks, (len(full)-base)/64)
				bb.setBefore(full, base)
				if v.simd {
					classifySIMD(full[base:base+64*nb], &bb, nb)
					eventsSIMD(&bb, &evs, nb)
				} else {
					classifyGeneric(full[base:base+64*nb], &bb, nb)
					eventsGeneric(&bb, &evs, nb)
				}
				for j := range nb {
					for st := evs.stamp[j]; st != 0; st &= st - 1 {
						tb := bits.TrailingZeros64(st)
						p := base + 64*j + tb
						if e := dateEnd(full, p); e != p+23 {
							t.Fatalf("%s: stamp marked at %d (%q), dateEnd gives %d", v.name, p, full[max(p-2, 0):min(p+26, len(full))], e)
						}
						marked++
						if tb+25 > 64 {
							crossing++
						}
					}
				}
			}
		}
		if marked == 0 || crossing == 0 {
			t.Errorf("%s: %d stamps marked, %d of them running into the next block", v.name, marked, crossing)
		}
	}
}

// TestCVVClasses holds the classes of the rule of security codes to what
// cvvPossible tests: the connectors exactly; of every pair of bytes whose
// case-folded form ends a keyword (cvvEnd2), the first byte in kw1 and
// the second in kw2; and no such pair ends with a connector (the rule
// relies on it where cvvPossible stops after 24 connectors).
func TestCVVClasses(t *testing.T) {
	for x := range 256 {
		c0, _ := cvvNibbles(byte(x))
		if conn := c0&0x0f != 0; conn != cvvConnector[x] {
			t.Errorf("byte %#x: connector class %v, cvvConnector %v", x, conn, cvvConnector[x])
		}
	}
	pairs := 0
	for x := range 256 {
		for y := range 256 {
			i := int(lowerTab[x])<<8 | int(lowerTab[y])
			if cvvEnd2[i>>6]&(1<<(i&63)) == 0 {
				continue
			}
			pairs++
			c0, _ := cvvNibbles(byte(x))
			_, c1 := cvvNibbles(byte(y))
			if c0&0xf0 == 0 || c1 == 0 {
				t.Errorf("pair %q ends a keyword, classes kw1 %v kw2 %v", []byte{byte(x), byte(y)}, c0&0xf0 != 0, c1 != 0)
			}
			if cvvConnector[y] {
				t.Errorf("pair %q ends a keyword with a connector", []byte{byte(x), byte(y)})
			}
		}
	}
	if pairs == 0 {
		t.Fatal("no keyword pairs")
	}
}

// TestQuietFlat checks quietFlat against quietRun for every run length,
// byte before and byte after, with a letter and a non-letter before that;
// and that where it says skipShortRun need not be asked, skipShortRun
// passes nothing, whatever follows.
func TestQuietFlat(t *testing.T) {
	for n := 1; n <= 10; n++ {
		for prev := 0; prev < 256; prev++ {
			for after := 0; after < 256; after++ {
				for _, prev2 := range []byte{'a', 'Z', ' ', '0', '/', 0xe4} {
					c := quietFlat(n, byte(prev), prev2, byte(after))
					if got, want := c&1 != 0, quietRun(n, byte(prev), prev2, byte(after)); got != want {
						t.Fatalf("quietFlat(%d, %q, %q, %q) = %v, quietRun %v", n, byte(prev), prev2, byte(after), got, want)
					}
					if c&5 != 0 || n > 4 {
						continue
					}
					for _, next := range []byte{'5', 'x', ' '} {
						b := []byte("xx ab cd")
						b = append(b, prev2, byte(prev))
						b = append(b, strings.Repeat("7", n)...)
						b = append(b, byte(after), next)
						b = append(b, " xx yy zz"...)
						if skipShortRun(b, 10, n) {
							t.Fatalf("quietFlat(%d, %q, %q, %q) = %d, but skipShortRun passes %q", n, byte(prev), prev2, byte(after), c, b)
						}
					}
				}
			}
		}
	}
}
