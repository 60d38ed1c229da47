//go:build !purego

package pii

// simdVariants are the SIMD classifiers of this processor: each entry
// makes classifySIMD use one, and returns a function that restores the
// choice.
func simdVariants() map[string]func() (restore func()) {
	use := func(avx512 bool) func() func() {
		return func() func() {
			old := useAVX512
			useAVX512 = avx512
			return func() { useAVX512 = old }
		}
	}
	m := map[string]func() func(){"avx2": use(false)}
	if hasAVX512() {
		m["avx512"] = use(true)
	}
	return m
}
