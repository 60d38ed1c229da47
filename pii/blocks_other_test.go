//go:build !amd64 || purego

package pii

// simdVariants: classifySIMD is classifyGeneric here.
func simdVariants() map[string]func() (restore func()) {
	return map[string]func() func(){"generic": func() func() { return func() {} }}
}
