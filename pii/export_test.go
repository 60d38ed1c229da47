package pii

// SetSplitting lets tests cut small inputs: pieces of at least part bytes
// (and blocks of four pieces per goroutine) when Scan splits a buffer
// between goroutines, chunks of at least chunk bytes for ScanReader. It
// returns a function that restores the defaults.
func SetSplitting(part, chunk int) (restore func()) {
	oldPart, oldChunk, oldBlock := minPart, minChunk, blockPerWorker
	minPart, minChunk, blockPerWorker = part, chunk, 4*part
	return func() { minPart, minChunk, blockPerWorker = oldPart, oldChunk, oldBlock }
}

// WordLoop makes scans run the portable word loop, as on processors
// without SIMD classification. It returns a function that restores the
// default.
func WordLoop() (restore func()) {
	old := haveSIMD
	haveSIMD = false
	return func() { haveSIMD = old }
}
