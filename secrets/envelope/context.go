package envelope

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

const maxField = 1<<16 - 1

// encodeContext is the canonical encoding of an encryption context:
// entries sorted by key, each length-prefixed.
func encodeContext(c map[string]string) []byte {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := binary.BigEndian.AppendUint16(nil, uint16(len(keys)))
	for _, k := range keys {
		b = appendField(b, []byte(k))
		b = appendField(b, []byte(c[k]))
	}
	return b
}

func appendField(b, f []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(f)))
	return append(b, f...)
}

// checkContext rejects contexts the format cannot carry. Context keys and
// values are not secret (they are stored in clear), so naming keys is fine.
func checkContext(c map[string]string) error {
	if len(c) > 256 {
		return &InvalidError{Input: "encryption context", Reason: fmt.Sprintf("%d entries, at most 256", len(c))}
	}
	for k, v := range c {
		if k == "" || len(k) > 1024 || len(v) > 4096 || strings.HasPrefix(k, "aws") {
			return &InvalidError{Input: "encryption context", Field: fmt.Sprintf("key %q", k),
				Reason: "keys are 1-1024 bytes not starting with \"aws\", values at most 4096 bytes"}
		}
	}
	return nil
}
