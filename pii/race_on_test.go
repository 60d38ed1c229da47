//go:build race

package pii_test

// raceEnabled: built with -race, under which sync.Pool drops a quarter of
// what it is given, on purpose.
const raceEnabled = true
