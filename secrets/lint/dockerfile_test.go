package lint

import (
	"strings"
	"testing"
)

// TestOnbuild: an ONBUILD instruction is judged as the instruction it
// wraps, at its line.
func TestOnbuild(t *testing.T) {
	f, err := New(Options{}).Dockerfile("Dockerfile", []byte("FROM scratch\nONBUILD ENV DB_PASSWORD=Summer2024!\nONBUILD RUN curl -u a:Winter2024 x\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range f {
		if x.Status == StatusFail {
			got = append(got, x.CheckID+" "+x.Resource)
		}
	}
	if want := "secrets.lint.dockerfile.env Dockerfile:2 secrets.lint.dockerfile.run Dockerfile:3"; strings.Join(got, " ") != want {
		t.Errorf("failures %v, want %s", got, want)
	}
}
