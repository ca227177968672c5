package pgp

import (
	"errors"
	"strings"
)

// ErrArmor reports a message that is not ASCII-armored the way the
// Passbolt server requires.
var ErrArmor = errors.New("not an armored OpenPGP message with a checksum")

// CheckArmor applies the Passbolt server's armor rule to s: ASCII only, a
// BEGIN PGP MESSAGE marker, a blank line after the armor headers, a CRC24
// checksum line ("\n=") and an END PGP MESSAGE marker. A message without the
// checksum line is refused, as the real server refuses it.
func CheckArmor(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ErrArmor
		}
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	const begin, end = "-----BEGIN PGP MESSAGE-----", "-----END PGP MESSAGE-----"
	b := strings.Index(s, begin)
	e := strings.Index(s, end)
	if b < 0 || e < b {
		return ErrArmor
	}
	body := s[b+len(begin) : e]
	blank := strings.Index(body, "\n\n")
	if blank < 0 {
		return ErrArmor
	}
	data := body[blank+2:]
	crc := strings.LastIndex(data, "\n=")
	if crc < 0 && !strings.HasPrefix(data, "=") {
		return ErrArmor
	}
	line := data[crc+2:]
	if crc < 0 {
		line = data[1:]
	}
	line = strings.TrimRight(line, "\n ")
	if len(line) != 4 {
		return ErrArmor
	}
	return nil
}
