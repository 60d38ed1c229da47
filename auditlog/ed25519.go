package auditlog

import "crypto/ed25519"

// ed25519Public derives the public key from a 32-byte Ed25519 seed.
func ed25519Public(seed []byte) []byte {
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}
