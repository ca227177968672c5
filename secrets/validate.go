package secrets

import (
	"fmt"
	"strings"
)

// MaxValueSize is the largest value a Store accepts (Secrets Manager's
// limit; backends may refuse less).
const MaxValueSize = 65536

const nameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+=.@-"
const stageChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

func secretInput(name string) string { return fmt.Sprintf("secret %q", name) }

func validName(name string) error {
	switch {
	case name == "":
		return invalid("secret name", "", "empty")
	case len(name) > 512:
		return invalid("secret name", "", "longer than 512 bytes")
	}
	if i := strings.IndexFunc(name, func(r rune) bool { return !strings.ContainsRune(nameChars, r) }); i >= 0 {
		return invalid(secretInput(name), "name", "character %q not allowed (letters, digits and /_+=.@- only)", name[i])
	}
	return nil
}

func validStage(name string, s Stage) error {
	switch {
	case s == "":
		return invalid(secretInput(name), "stage", "empty")
	case len(s) > 256:
		return invalid(secretInput(name), "stage", "longer than 256 bytes")
	}
	if strings.ContainsFunc(string(s), func(r rune) bool { return !strings.ContainsRune(stageChars, r) }) {
		return invalid(secretInput(name), "stage", "%q: letters, digits and _.- only", s)
	}
	return nil
}

// validValue never quotes the value.
func validValue(name string, v Value) error {
	switch {
	case v.IsZero():
		return invalid(secretInput(name), "value", "empty")
	case v.Len() > MaxValueSize:
		return invalid(secretInput(name), "value", "%d bytes, more than %d", v.Len(), MaxValueSize)
	}
	return nil
}
