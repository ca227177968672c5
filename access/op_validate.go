package access

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// MaxOpContent bounds the content of one op.
const MaxOpContent = 1 << 20

// maxKeyLine bounds one authorized_keys line an op may carry: sshd reads
// lines of any length, but no key with a sane comment comes near it.
const maxKeyLine = 16 << 10

func (o Op) validateFields() error {
	switch o.Kind {
	case OpEnsureUser, OpSetKeys, OpSetRootKeys, OpSetSudoers, OpRemoveUser, OpLockUser, OpSetPrincipals:
		if err := ValidateUserName(o.User); err != nil {
			return fmt.Errorf("op %s: %w", o.Kind, err)
		}
	case OpTrustCA, OpSetRevokedKeys, OpConfigureRootKeys:
		if o.User != "" {
			return fmt.Errorf("%w: op %s takes no user", ErrInvalidField, o.Kind)
		}
	default:
		return fmt.Errorf("%w: unknown op %q", ErrInvalidField, o.Kind)
	}
	if o.Kind == OpEnsureUser {
		if !validShell(o.Shell) {
			return fmt.Errorf("%w: op %s: shell %q", ErrInvalidField, o, o.Shell)
		}
		for _, g := range o.Groups {
			if !validToken(g) {
				return fmt.Errorf("%w: op %s: group %q", ErrInvalidField, o, g)
			}
			if IsPrivilegedGroup(g) && !slices.Contains(o.AllowPrivileged, g) {
				return fmt.Errorf("%w: op %s: group %s is privileged and not allowed for this user", ErrInvalidField, o, g)
			}
		}
		if o.Expires != "" && !validDate(o.Expires) {
			return fmt.Errorf("%w: op %s: expires %q", ErrInvalidField, o, o.Expires)
		}
	} else if o.Shell != "" || len(o.Groups) > 0 || o.Expires != "" || len(o.AllowPrivileged) > 0 {
		return fmt.Errorf("%w: op %s: shell, groups and expires only apply to %s", ErrInvalidField, o, OpEnsureUser)
	}
	return nil
}

func (o Op) validateContent() error {
	if len(o.Content) > MaxOpContent {
		return fmt.Errorf("%w: op %s: content over %d bytes", ErrInvalidField, o, MaxOpContent)
	}
	switch o.Kind {
	case OpEnsureUser, OpRemoveUser, OpLockUser, OpConfigureRootKeys:
		if len(o.Content) > 0 {
			return fmt.Errorf("%w: op %s takes no content", ErrInvalidField, o)
		}
	case OpTrustCA:
		if len(o.Content) == 0 {
			return fmt.Errorf("%w: op %s needs the CA keys", ErrInvalidField, o)
		}
		return validateKeysContent(o, o.Content)
	case OpSetKeys, OpSetRootKeys:
		return validateKeysContent(o, o.Content)
	case OpSetSudoers:
		if len(o.Content) > 0 && !bytes.Equal(o.Content, SudoersContent(o.User)) {
			return fmt.Errorf("%w: op %s: sudoers content must be exactly what SudoersContent generates for %s", ErrInvalidField, o, o.User)
		}
	case OpSetPrincipals:
		return validatePrincipals(o)
	}
	return nil
}

// validateKeysContent accepts authorized_keys content made only of
// comment lines and keys that ParseKey accepts at the lowest RSA size:
// no options, no certificates, no control characters, no DSA.
func validateKeysContent(o Op, content []byte) error {
	if len(content) > 0 && content[len(content)-1] != '\n' {
		return fmt.Errorf("%w: op %s: content must end with a newline", ErrInvalidField, o)
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(content), "\n"), "\n") {
		if len(line) > maxKeyLine {
			return fmt.Errorf("%w: op %s: line %d is %d bytes, at most %d", ErrInvalidField, o, i+1, len(line), maxKeyLine)
		}
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			if strings.ContainsFunc(line, isControl) {
				return fmt.Errorf("%w: op %s: line %d: control character", ErrKeySmuggling, o, i+1)
			}
			continue
		}
		if _, err := ParseKey(line, KeyPolicy{MinRSABits: LowestMinRSABits}); err != nil {
			return fmt.Errorf("op %s: line %d: %w", o, i+1, err)
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// validatePrincipals accepts one principal a line: printable, no spaces,
// commas or control characters, at most 256 bytes.
func validatePrincipals(o Op) error {
	if len(o.Content) == 0 {
		return nil
	}
	if o.Content[len(o.Content)-1] != '\n' {
		return fmt.Errorf("%w: op %s: content must end with a newline", ErrInvalidField, o)
	}
	for i, p := range strings.Split(strings.TrimSuffix(string(o.Content), "\n"), "\n") {
		if p == "" || len(p) > 256 || strings.ContainsFunc(p, func(r rune) bool { return isControl(r) || r == ' ' || r == ',' || r == '\t' }) || strings.HasPrefix(p, "#") {
			return fmt.Errorf("%w: op %s: line %d: principal %.40q", ErrInvalidField, o, i+1, p)
		}
	}
	return nil
}
