package database

import "strings"

// parseBool reads a boolean the way PostgreSQL's parse_bool does for
// settings and reloptions: true, false, yes, no, on, off, 1 and 0, in any
// case, and unique prefixes of the words ("t", "fa", "y", "of"); "o" alone
// is ambiguous and, like any other spelling, not a boolean (ok false).
func parseBool(s string) (value, ok bool) {
	if s == "" {
		return false, false
	}
	l := strings.ToLower(s)
	prefixOf := func(word string, minLen int) bool {
		return len(l) >= minLen && len(l) <= len(word) && word[:len(l)] == l
	}
	switch {
	case prefixOf("true", 1), prefixOf("yes", 1), prefixOf("on", 2), l == "1":
		return true, true
	case prefixOf("false", 1), prefixOf("no", 1), prefixOf("off", 2), l == "0":
		return false, true
	}
	return false, false
}
