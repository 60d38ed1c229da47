package vault

import (
	"errors"
	"fmt"

	"custos.dev/custos"
)

// ErrDecrypt is wrapped by every failure to open a ciphertext or unwrap a data key: wrong key,
// wrong associated data (another subject, category or row), a tampered or truncated blob. The
// failures are deliberately indistinguishable; the error carries no detail of the input.
var ErrDecrypt = errors.New("vault: decryption failed")

// ErrKeyDestroyed is returned by [DataKey.Seal] and [DataKey.Open] once the key has been
// destroyed ([DataKey.Destroy], [KeyCache.Forget]): the subject has been erased.
var ErrKeyDestroyed = errors.New("vault: data key destroyed")

// invalid returns an error of kind invalid with a public message. The message must be a
// constant: it must never contain the value that was refused.
func invalid(message string) error {
	return &custos.Error{Kind: custos.KindInvalid, Message: message}
}

// internal wraps a failure of the crypto library. The cause comes from tink and never holds key
// material (tink errors name key types and sizes only), but callers still log it as internal.
func internal(message string, cause error) error {
	return &custos.Error{Kind: custos.KindInternal, Message: message, Cause: cause}
}

// decryptError is the one error of every decryption failure.
func decryptError(op string) error {
	return fmt.Errorf("%s: %w", op, ErrDecrypt)
}
