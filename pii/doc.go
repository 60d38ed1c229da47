// Package pii finds and redacts personal information (PI) in unstructured
// text: support tickets, chat transcripts and diagnostic logs (R-SUP-4,
// R-AGENT-1), including card security codes that customers type into chats
// (R-PAY-1).
//
// It recognises mainland-China resident ID numbers, mobile numbers, bank
// card numbers, card security codes, unified social credit codes,
// passports, e-mail addresses and IP addresses. Every numeric type is
// checked by its validator (GB 11643, GB 32100, Luhn, the mobile segment
// table) and, where a checksum alone would let one random number in ten
// through, by the words around it.
//
// The scanner is a hand-written single-pass byte scanner: a skip loop jumps
// over bytes that cannot start anything (letters, Chinese text,
// punctuation) and only digit runs, ':' and '@' are examined. On amd64
// with AVX2 the loop classifies 64 bytes at a time in SIMD registers and
// passes over the short runs and colons that cannot start anything in bulk
// (blocks.go); elsewhere it reads eight bytes at a time (runWords). Every
// examination reads a bounded window, so a scan is linear in its input
// whatever the input is, and a stream scanned in chunks yields exactly the
// findings of the whole buffer.
//
// The package is pure: it does no I/O of its own except reading the
// io.Reader handed to ScanReader, keeps no global mutable state, and never
// logs. It must never put a PI value into an error, a log line or a
// String method: findings carry offsets, not values, and callers decide
// whether a value may be shown.
package pii
