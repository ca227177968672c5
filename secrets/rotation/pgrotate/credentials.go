package pgrotate

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/opskit-dev/opskit/secrets"
)

type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Credentials returns the value of a secret holding user and password.
func Credentials(user, password string) secrets.Value {
	b, _ := json.Marshal(credentials{Username: user, Password: password})
	return secrets.NewValue(b)
}

// ParseCredentials reads a secret value made by Credentials (or by
// Secrets Manager's database secret templates).
func ParseCredentials(v secrets.Value) (user string, password secrets.Value, err error) {
	var c credentials
	if err := json.Unmarshal(v.Bytes(), &c); err != nil {
		// The JSON error could quote the value: say only where it failed.
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return "", secrets.Value{}, fmt.Errorf("pgrotate: secret value is not JSON (offset %d)", se.Offset)
		}
		return "", secrets.Value{}, errors.New("pgrotate: secret value is not a {username, password} object")
	}
	if c.Username == "" || c.Password == "" {
		return "", secrets.Value{}, errors.New("pgrotate: secret value lacks username or password")
	}
	return c.Username, secrets.NewValue([]byte(c.Password)), nil
}

// newPassword returns 32 random letters and digits (about 190 bits):
// secrets.NewPassword, as text for Credentials.
func newPassword() (string, error) {
	v, err := secrets.NewPassword(32)
	if err != nil {
		return "", fmt.Errorf("pgrotate: new password: %w", err)
	}
	return string(v.Bytes()), nil
}
