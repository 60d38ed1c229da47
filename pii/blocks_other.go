//go:build !amd64 || purego

package pii

// Without a SIMD classifier haveSIMD stays false and scans run the word
// loop; classifySIMD is here for the compiler only.
func classifySIMD(b []byte, out *batchBits, n int) { classifyGeneric(b, out, n) }

func eventsSIMD(c *batchBits, out *batchEvents, n int) { eventsGeneric(c, out, n) }
