// Package vault is custos's encryption core: envelope encryption of personal information (PI)
// with one data key per subject, erasure by destroying that key, and keyed lookup tokens that
// find a subject by e-mail, mobile number or resident ID number without storing the value.
//
// The scheme (R-SEC-1: PI encrypted in storage; R-RET-3: deletion at once):
//
//   - A key-encryption key ([KEK]) is a tink AEAD keyset (AES-256-GCM) kept apart from the data,
//     serialized as tink's JSON keyset format. [RotateKEK] adds a new primary; older keys keep
//     unwrapping until every wrapped data key has been moved with [KEK.Rewrap].
//   - Each subject has a [DataKey], a fresh AES-256-GCM keyset, stored only wrapped (encrypted by
//     the KEK with the subject id bound as associated data, so a wrapped key copied to another
//     subject's row does not unwrap).
//   - Records are sealed with the subject's data key; the associated data (see
//     [RecordAssociatedData]) binds each ciphertext to its subject and category, so a ciphertext
//     moved to another row does not open.
//   - Erasing a subject deletes its wrapped data key: every copy of its records, backups
//     included, is then unreadable. [KeyCache.Forget] drops the unwrapped key from memory too, as
//     far as Go allows (see [DataKey.Destroy]).
//   - A [Tokenizer] turns an identifier into HMAC-SHA256(key, kind, normalized value): equal
//     identifiers give equal tokens, and a token reveals nothing without the token key.
//
// The package is a pure core. It must never do I/O of its own (no files, network, database,
// clock or environment: callers pass key material and blobs in and store what they get back),
// never log, and never put key material, plaintext, an identifier being tokenized or a subject
// id into an error: errors are shown to callers and written to logs. Decryption failures all
// look alike ([ErrDecrypt]) so that an error says nothing an attacker could use.
package vault
