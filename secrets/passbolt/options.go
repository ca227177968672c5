package passbolt

import (
	"net/http"
	"time"

	"github.com/opskit-dev/opskit/secrets"
)

// Doer sends HTTP requests; *http.Client satisfies it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

var _ Doer = (*http.Client)(nil)

// Options configure Dial. URL, UserID, PrivateKey and ServerFingerprint
// are required.
type Options struct {
	// URL is the server's base URL, e.g. https://passbolt.example.com. It
	// is the challenge's domain, so it must be the URL the server knows
	// itself by.
	URL string
	// UserID is the user's UUID.
	UserID string
	// PrivateKey is the user's armored OpenPGP private key.
	PrivateKey secrets.Value
	// Passphrase unlocks PrivateKey when it is protected.
	Passphrase secrets.Value
	// ServerFingerprint pins the server's OpenPGP key: 40 hex digits.
	// A server presenting another key is refused (ErrServerKey).
	ServerFingerprint string
	// HTTP sends the requests (default http.DefaultClient).
	HTTP Doer
	// Now is the clock (default time.Now). The login challenge expires
	// ChallengeTTL after Now: a clock behind the server's by more than
	// that makes every login fail (ErrUnauthorized).
	Now func() time.Time
	// RefreshBefore is how long before the access token expires it is
	// refreshed (default 1 minute; the server's tokens last 5).
	RefreshBefore time.Duration
	// ChallengeTTL is how long the login challenge stays valid (default
	// 5 minutes; the server accepts up to 1 hour).
	ChallengeTTL time.Duration
}
