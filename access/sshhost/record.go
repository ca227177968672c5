package sshhost

import (
	"encoding/base64"
	"strings"

	"github.com/opskit-dev/opskit/access"
)

// record encodes o as the one-line record the host script reads on stdin:
// kind, user, shell, groups, expires and base64 content separated by single
// spaces, "-" for an empty field. Only validated ops are encoded.
func record(o access.Op) (string, error) {
	if err := o.Validate(); err != nil {
		return "", err
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	return strings.Join([]string{
		string(o.Kind), dash(o.User), dash(o.Shell), dash(strings.Join(o.Groups, ",")),
		dash(o.Expires), dash(base64.StdEncoding.EncodeToString(o.Content)),
	}, " ") + "\n", nil
}
