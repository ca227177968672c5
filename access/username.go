package access

import (
	"fmt"
	"unicode/utf8"
)

// MaxUserNameLen is the longest user name useradd accepts.
const MaxUserNameLen = 32

// ValidateUserName reports whether name is a user name useradd accepts:
// [a-z_][a-z0-9_-]*, 1 to 32 bytes. Names that could be read as a
// command-line option, carry shell metacharacters or are numeric never pass.
// A character outside the set is reported as the character (rune) it is
// and its position in characters, not bytes.
func ValidateUserName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty", ErrInvalidUserName)
	}
	pos := 0
	for i, r := range name {
		pos++
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		case r == utf8.RuneError && isInvalidAt(name, i):
			return fmt.Errorf("%w: %q: character %d is the invalid UTF-8 byte %#02x; want [a-z_][a-z0-9_-]*", ErrInvalidUserName, name, pos, name[i])
		default:
			return fmt.Errorf("%w: %q: character %d (%q, %U) not allowed; want [a-z_][a-z0-9_-]*", ErrInvalidUserName, name, pos, r, r)
		}
	}
	if len(name) > MaxUserNameLen {
		return fmt.Errorf("%w: %d characters, at most %d", ErrInvalidUserName, len(name), MaxUserNameLen)
	}
	return nil
}

// isInvalidAt reports whether the rune at byte i of s is an invalid UTF-8
// sequence rather than an encoded U+FFFD.
func isInvalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}

// validToken reports whether s is a group name or similar identifier that
// follows the user-name rules.
func validToken(s string) bool { return ValidateUserName(s) == nil }

// validShell reports whether s is an absolute path made only of safe
// characters.
func validShell(s string) bool {
	if len(s) < 2 || len(s) > 128 || s[0] != '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
