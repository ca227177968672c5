package pgrotate

import (
	"crypto/rand"
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

const passwordChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newPassword returns 32 random letters and digits (190 bits).
func newPassword() string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = passwordChars[randIndex(len(passwordChars))]
	}
	return string(b)
}

func randIndex(n int) int {
	// Rejection sampling keeps the choice uniform.
	var c [1]byte
	for {
		_, _ = rand.Read(c[:])
		if int(c[0]) < 256-256%n {
			return int(c[0]) % n
		}
	}
}
