package lint

import (
	"strings"
	"testing"
)

// TestEnvFileForms: quotes, comments after values, multi-line values.
func TestEnvFileForms(t *testing.T) {
	src := "A_PASSWORD=\"Summer2024!\" # prod\n" +
		"B_PASSWORD='Winter2024!' # old\n" +
		"C_TOKEN=${C_TOKEN} # from CI\n" +
		"KEY_PEM=\"-----BEGIN RSA PRIVATE KEY-----\nZq8rT2mWx9LpV4sKd7NfB3hJa1b2c3d4\n\"\n" +
		"PORT=8080 # the next line is not part of a value\n" +
		"D_SECRET=Autumn2024!\n"
	f, err := New(Options{}).EnvFile(".env", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range f {
		if x.Status == StatusFail {
			got = append(got, x.Resource)
		}
	}
	if want := ".env:1 .env:2 .env:4 .env:8"; strings.Join(got, " ") != want {
		t.Errorf("failures at %v, want %s", got, want)
	}
}
