// Package envelope encrypts data of any size under a key service such as
// AWS KMS: one data key per message from GenerateDataKey, AES-256-GCM in
// frames so a stream of any length encrypts in constant memory, the
// encryption context bound as authenticated data and required again to
// decrypt, and any changed, removed, reordered or appended byte detected.
//
// Hold a KeyService: NewKMS over the KMS client, or NewLocalKeys for tests
// and offline use; NewCachingKeys in front of either reuses a data key for
// a bounded number of messages, bytes and time. Encrypt with NewWriter (streams) or Seal (byte slices);
// decrypt with NewReader or Open.
//
// # Format
//
// The format is this package's own (version 1) and is not compatible with
// the AWS Encryption SDK, sops or age; nothing else reads it. It was chosen
// over the AWS Encryption SDK's message format because that format needs
// ECDSA signing suites and multi-keyring headers this package does not use,
// and over sops because sops encrypts values inside structured documents,
// not streams. A message is:
//
//	magic "OPSKENV1"
//	u16 len + key ID
//	u16 count, then per context entry sorted by key: u16 len + key, u16 len + value
//	u16 len + wrapped data key (the key service's ciphertext)
//	u32 frame size
//	32-byte random message ID
//	32-byte key commitment
//	frames: u8 final (0 or 1), u32 plaintext length, ciphertext and 16-byte tag
//
// The frame key and the commitment are HKDF-SHA256 of the data key with the
// message ID as salt; a frame's nonce is its sequence number and its
// additional data is the SHA-256 of the header, the sequence number, the
// final flag and the length. The last frame is marked final (it may be
// empty); a stream that ends before it is an error. A reader releases a
// frame's plaintext once that frame is authenticated, so a caller that must
// act only on a complete message should read to io.EOF first.
package envelope
