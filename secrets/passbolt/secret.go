package passbolt

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/opskit-dev/opskit/secrets"
)

// Secret is a resource's encrypted part. Its values never print.
type Secret struct {
	// Password is the password.
	Password secrets.Value
	// Description is the encrypted description (resource types that
	// encrypt it; TypePasswordString keeps the description in cleartext
	// on the Resource instead).
	Description secrets.Value
}

// Limits from the resource types' secret schemas, which clients enforce
// because the server only sees ciphertext.
const (
	MaxPasswordLength    = 4096
	MaxDescriptionLength = 10000
)

// encodeSecret returns the plaintext the resource type keeps encrypted.
func encodeSecret(input, typeID string, s Secret) ([]byte, error) {
	if utf8.RuneCount(s.Password.Bytes()) > MaxPasswordLength {
		return nil, invalid(input, "Password", "longer than %d characters", MaxPasswordLength)
	}
	if utf8.RuneCount(s.Description.Bytes()) > MaxDescriptionLength {
		return nil, invalid(input, "Description", "longer than %d characters", MaxDescriptionLength)
	}
	if !utf8.Valid(s.Password.Bytes()) || !utf8.Valid(s.Description.Bytes()) {
		return nil, invalid(input, "Secret", "not valid UTF-8")
	}
	switch strings.ToLower(typeID) {
	case TypePasswordString:
		if !s.Description.IsZero() {
			return nil, invalid(input, "Description", "the password-string type keeps the description in Resource.Description, not in the secret")
		}
		return append([]byte(nil), s.Password.Bytes()...), nil
	case TypePasswordAndDescription:
		return json.Marshal(struct {
			Password    string `json:"password"`
			Description string `json:"description,omitempty"`
		}{s.Password.Reveal(), s.Description.Reveal()})
	}
	return nil, fmt.Errorf("passbolt: %s: writing secrets of resource type %s: %w", input, typeID, ErrUnsupported)
}

// decodeSecret reads the plaintext of the resource type.
func decodeSecret(input, typeID string, plain []byte) (Secret, error) {
	switch strings.ToLower(typeID) {
	case TypePasswordString:
		return Secret{Password: secrets.NewValue(plain)}, nil
	case TypePasswordAndDescription, TypePasswordDescriptionTOTP:
		var v struct {
			Password    string `json:"password"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal(plain, &v); err != nil {
			// The error text could quote the plaintext: it is not kept.
			return Secret{}, fmt.Errorf("passbolt: %s: the secret is not the JSON its resource type defines", input)
		}
		clear(plain)
		return Secret{Password: secrets.NewValue([]byte(v.Password)), Description: secrets.NewValue([]byte(v.Description))}, nil
	}
	return Secret{}, fmt.Errorf("passbolt: %s: reading secrets of resource type %s: %w", input, typeID, ErrUnsupported)
}
