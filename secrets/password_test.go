package secrets_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/secrets"
)

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		v, err := secrets.NewPassword(32)
		if err != nil {
			t.Fatal(err)
		}
		p := v.Reveal()
		if len(p) != 32 || strings.Trim(p, secrets.PasswordChars) != "" {
			t.Fatalf("password %d characters, or outside PasswordChars", len(p))
		}
		if seen[p] {
			t.Fatal("the same password twice")
		}
		seen[p] = true
		if s := fmt.Sprintf("%v %s %+v", v, v, v); strings.Contains(s, p) {
			t.Fatal("a password printed")
		}
	}
	for _, n := range []int{0, 15, 129} {
		if _, err := secrets.NewPassword(n); !errors.Is(err, secrets.ErrInvalid) {
			t.Errorf("length %d: %v, want ErrInvalid", n, err)
		}
	}
}
