package secrets

import (
	"crypto/rand"
	"fmt"
	"math/big"
)

// PasswordChars are the characters NewPassword draws from: letters and
// digits only, so a password needs no quoting in a URL, a shell, a
// connection string or an RDS master password (which refuses '/', '"',
// '@' and spaces).
const PasswordChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewPassword returns a random password of n characters (16 to 128) drawn
// uniformly from PasswordChars with crypto/rand: 32 characters carry about
// 190 bits. The Value never prints.
func NewPassword(n int) (Value, error) {
	if n < 16 || n > 128 {
		return Value{}, &InvalidError{Input: "password", Field: "length", Reason: fmt.Sprintf("%d is not within [16, 128]", n)}
	}
	b := make([]byte, n)
	max := big.NewInt(int64(len(PasswordChars)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			return Value{}, fmt.Errorf("secrets: password: %w", err)
		}
		b[i] = PasswordChars[k.Int64()]
	}
	return NewValue(b), nil
}
