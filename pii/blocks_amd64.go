//go:build !purego

package pii

// The SIMD classifier for amd64 (blocks_amd64.s), used where the processor
// and the operating system support AVX2. Build with -tags purego to leave
// it out and run the word loop.

// classifyAVX2 fills index k+1 of the arrays of out with the classes of
// the 64 bytes at src[64k:], for k < n.
//
//go:noescape
func classifyAVX2(src *byte, out *batchBits, n int)

// classifyAVX512 is classifyAVX2 with AVX-512 (F and BW).
//
//go:noescape
func classifyAVX512(src *byte, out *batchBits, n int)

// eventsAVX2 is eventsGeneric for n blocks, rounded up to a multiple of
// four (c and out have room for eight).
//
//go:noescape
func eventsAVX2(c *batchBits, out *batchEvents, n int)

// eventsAVX512 is eventsAVX2 with AVX-512 (F), eight blocks at a time.
//
//go:noescape
func eventsAVX512(c *batchBits, out *batchEvents, n int)

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() (eax uint32)

// hasAVX2 reports whether the processor and the operating system support
// AVX2: CPUID says AVX2 and OSXSAVE, and the OS saves the YMM registers.
func hasAVX2() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&osxsave == 0 || ecx1&avx == 0 || xgetbv0()&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// hasAVX512 reports whether the processor and the operating system
// support AVX-512 F and BW, on a processor that also has VBMI2: that one
// stands for the generations (Intel Ice Lake and later, AMD Zen 4) that
// run 512-bit integer instructions without lowering the clock of the
// core. Before them (Skylake-SP, Cascade Lake) the AVX2 classifier is the
// safer choice.
func hasAVX512() bool {
	if !hasAVX2() {
		return false
	}
	_, ebx7, ecx7, _ := cpuid(7, 0)
	const avx512f, avx512bw, vbmi2 = 1 << 16, 1 << 30, 1 << 6
	// XCR0: SSE, AVX, and the opmask and ZMM state (bits 5, 6, 7).
	return ebx7&avx512f != 0 && ebx7&avx512bw != 0 && ecx7&vbmi2 != 0 && xgetbv0()&0xe6 == 0xe6
}

// useAVX512 chooses classifyAVX512 over classifyAVX2.
var useAVX512 bool

func init() {
	haveSIMD = hasAVX2()
	useAVX512 = hasAVX512()
}

func classifySIMD(b []byte, out *batchBits, n int) {
	n = min(n, batchBlocks)
	if n > 0 {
		_ = b[64*n-1]
		if useAVX512 {
			classifyAVX512(&b[0], out, n)
		} else {
			classifyAVX2(&b[0], out, n)
		}
		// Only the AVX-512 classifier classifies for the rule of security
		// codes: with AVX2 it would cost more than it saves.
		out.cvvRule = useAVX512
	}
}

func eventsSIMD(c *batchBits, out *batchEvents, n int) {
	if useAVX512 {
		eventsAVX512(c, out, min(n, batchBlocks))
	} else {
		eventsAVX2(c, out, min(n, batchBlocks))
	}
	lastStampInBlock(out, n)
}
