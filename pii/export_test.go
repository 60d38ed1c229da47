package pii

// SetSplitting lets tests cut small inputs: pieces of at least part bytes
// when Scan splits a buffer between goroutines, chunks of at least chunk bytes for
// ScanReader. It returns a function that restores the defaults.
func SetSplitting(part, chunk int) (restore func()) {
	oldPart, oldChunk := minPart, minChunk
	minPart, minChunk = part, chunk
	return func() { minPart, minChunk = oldPart, oldChunk }
}
