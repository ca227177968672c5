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
			return &InvalidError{Input: fmt.Sprintf("op %q", o.Kind), Field: "user", Reason: msg(err), Err: err}
		}
	case OpTrustCA, OpSetRevokedKeys, OpConfigureRootKeys:
		if o.User != "" {
			return o.invalid("user", ErrInvalidField, "takes no user")
		}
	default:
		return o.invalid("kind", ErrInvalidField, "unknown op")
	}
	if o.Kind == OpEnsureUser {
		if !validShell(o.Shell) {
			return o.invalid("shell", ErrInvalidField, "%q is not an absolute path of plain characters", o.Shell)
		}
		for _, g := range o.Groups {
			if !validToken(g) {
				return o.invalid("groups", ErrInvalidField, "%q is not a valid group name", g)
			}
			if IsPrivilegedGroup(g) && !slices.Contains(o.AllowPrivileged, g) {
				return o.invalid("groups", ErrInvalidField, "group %s is privileged and not allowed for this user", g)
			}
		}
		if o.Expires != "" && !validDate(o.Expires) {
			return o.invalid("expires", ErrInvalidField, "%q is not YYYY-MM-DD", o.Expires)
		}
	} else if o.Shell != "" || len(o.Groups) > 0 || o.Expires != "" || len(o.AllowPrivileged) > 0 {
		return o.invalid("kind", ErrInvalidField, "shell, groups and expires only apply to %s", OpEnsureUser)
	}
	return nil
}

func (o Op) validateContent() error {
	if len(o.Content) > MaxOpContent {
		return o.invalid("content", ErrInvalidField, "over %d bytes", MaxOpContent)
	}
	switch o.Kind {
	case OpEnsureUser, OpRemoveUser, OpLockUser, OpConfigureRootKeys:
		if len(o.Content) > 0 {
			return o.invalid("content", ErrInvalidField, "takes no content")
		}
	case OpTrustCA:
		if len(o.Content) == 0 {
			return o.invalid("content", ErrInvalidField, "needs the CA keys")
		}
		return validateKeysContent(o, o.Content)
	case OpSetKeys, OpSetRootKeys:
		return validateKeysContent(o, o.Content)
	case OpSetSudoers:
		if len(o.Content) > 0 && !bytes.Equal(o.Content, SudoersContent(o.User)) {
			return o.invalid("content", ErrInvalidField, "sudoers content must be exactly what SudoersContent generates for %s", o.User)
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
		return o.invalid("content", ErrInvalidField, "must end with a newline")
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(content), "\n"), "\n") {
		if len(line) > maxKeyLine {
			return o.invalid("content", ErrInvalidField, "line %d is %d bytes, at most %d", i+1, len(line), maxKeyLine)
		}
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			if strings.ContainsFunc(line, isControl) {
				return o.invalid("content", ErrKeySmuggling, "line %d: control character", i+1)
			}
			continue
		}
		if _, err := ParseKey(line, KeyPolicy{MinRSABits: LowestMinRSABits}); err != nil {
			return &InvalidError{Input: fmt.Sprintf("op %q", o), Field: "content", Reason: fmt.Sprintf("line %d: %s", i+1, msg(err)), Err: err}
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
		return o.invalid("content", ErrInvalidField, "must end with a newline")
	}
	for i, p := range strings.Split(strings.TrimSuffix(string(o.Content), "\n"), "\n") {
		if p == "" || len(p) > 256 || strings.ContainsFunc(p, func(r rune) bool { return isControl(r) || r == ' ' || r == ',' || r == '\t' }) || strings.HasPrefix(p, "#") {
			return o.invalid("content", ErrInvalidField, "line %d: principal %.40q", i+1, p)
		}
	}
	return nil
}

// invalid reports a problem with field of o, of the kind sentinel names.
func (o Op) invalid(field string, kind error, format string, args ...any) error {
	return &InvalidError{Input: fmt.Sprintf("op %q", o), Field: field, Reason: fmt.Sprintf(format, args...), Err: kind}
}
