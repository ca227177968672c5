package lint

import (
	"strings"
	"testing"
)

// TestHistoryEntry reads both builders' history lines.
func TestHistoryEntry(t *testing.T) {
	l := New(Options{})
	for _, c := range []struct {
		createdBy string
		kind      string // "" for none
	}{
		{"RUN |2 NPM_TOKEN=Zq8rT2mWx9LpV4sK APP=web /bin/sh -c npm ci # buildkit", "build argument NPM_TOKEN"},
		{"|1 NPM_TOKEN=Zq8rT2mWx9LpV4sK /bin/sh -c npm ci", "build argument NPM_TOKEN"},
		{"RUN |1 APP_VERSION=1.2.3 /bin/sh -c make # buildkit", ""},
		{"ENV DB_PASSWORD=Summer2024! # buildkit", "ENV DB_PASSWORD"},
		{"/bin/sh -c #(nop)  ENV DB_PASSWORD=Summer2024!", "ENV DB_PASSWORD"},
		{`/bin/sh -c #(nop)  LABEL "deploy token"="Summer2024!x"`, "LABEL deploy token"},
		{"/bin/sh -c #(nop) COPY file:0123abcd in /root/.ssh/id_rsa ", "SSH private key /root/.ssh/id_rsa"},
		{"COPY .npmrc /app/ # buildkit", "npm credentials .npmrc"},
		{"RUN /bin/sh -c curl -u admin:Summer2024 https://x # buildkit", "user:password credentials"},
		{"RUN /bin/sh -c apt-get update # buildkit", ""},
	} {
		kinds, _ := l.historyEntry(c.createdBy)
		got := strings.Join(kinds, "; ")
		if c.kind == "" && got != "" || c.kind != "" && !strings.Contains(got, c.kind) {
			t.Errorf("%s: %q, want %q", c.createdBy, got, c.kind)
		}
	}
}
