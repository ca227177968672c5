package pgp

import "encoding/hex"

func hexFingerprint(b []byte) string { return hex.EncodeToString(b) }
