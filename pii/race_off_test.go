//go:build !race

package pii_test

const raceEnabled = false
