package access

import "fmt"

// MaxUserNameLen is the longest user name useradd accepts.
const MaxUserNameLen = 32

// ValidateUserName reports whether name is a user name useradd accepts:
// [a-z_][a-z0-9_-]*, 1 to 32 characters. Names that could be read as a
// command-line option, carry shell metacharacters or are numeric never pass.
func ValidateUserName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty", ErrInvalidUserName)
	}
	if len(name) > MaxUserNameLen {
		return fmt.Errorf("%w: %d characters, at most %d", ErrInvalidUserName, len(name), MaxUserNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return fmt.Errorf("%w: %q: character %d (%q) not allowed; want [a-z_][a-z0-9_-]*", ErrInvalidUserName, name, i+1, c)
		}
	}
	return nil
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
