package pii

// SetSplitting lets tests cut small inputs: pieces of at least part bytes
// (and of about four times that as a rule) when Scan splits a buffer
// between goroutines, chunks of at least chunk bytes for ScanReader. It
// returns a function that restores the defaults.
func SetSplitting(part, chunk int) (restore func()) {
	oldPart, oldChunk, oldPiece := minPart, minChunk, pieceSize
	minPart, minChunk, pieceSize = part, chunk, 4*part
	return func() { minPart, minChunk, pieceSize = oldPart, oldChunk, oldPiece }
}

// WordLoop makes scans run the portable word loop, as on processors
// without SIMD classification. It returns a function that restores the
// default.
func WordLoop() (restore func()) {
	old := haveSIMD
	haveSIMD = false
	return func() { haveSIMD = old }
}
