package cli

import (
	"fmt"
	"net/url"
)

// RedactURL returns u with any password replaced by "xxxxx", for output;
// a URL that does not parse is named by its position only ("URL #2"),
// since it may hold a password in a form url.Parse does not see.
func RedactURL(u string, n int) string {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Sprintf("URL #%d", n)
	}
	return p.Redacted()
}
