package rdsauth_test

import (
	"context"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// botocoreToken signs the same request with botocore's
// generate_db_auth_token at signingTime (botocore reads the clock through
// botocore.auth.get_current_datetime, which the script pins).
const botocoreToken = `
import datetime, sys
import botocore.auth, botocore.session
key, secret, token, region, host, port, user, stamp = sys.argv[1:9]
fixed = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
botocore.auth.get_current_datetime = lambda *a, **k: fixed
s = botocore.session.get_session()
s.set_credentials(key, secret, token or None)
c = s.create_client("rds", region_name=region)
sys.stdout.write(c.generate_db_auth_token(host, int(port), user, Region=region))
`

// TestIAMTokenBotocore builds a token with aws-sdk-go-v2 (what Tokens
// uses) and one with botocore, an independent implementation, from the
// same credentials, region, endpoint, user and signing time: they must be
// the same token.
func TestIAMTokenBotocore(t *testing.T) {
	py := testenv.BotocorePython(t)
	for _, tc := range []struct {
		name                 string
		key, secret, session string
		region, host, port   string
		user                 string
	}{
		{"static keys", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "eu-west-1", "orders.cluster-abc.eu-west-1.rds.amazonaws.com", "5432", "app_user"},
		{"session token and odd user", "ASIAEXAMPLE", "c2VjcmV0+/=", "FwoGZXIvYXdzEJr//////////wEaDEXAMPLE+token/=", "us-east-1", "db-1.internal", "6543", "svc.report+ro@x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: tc.key, SecretAccessKey: tc.secret, SessionToken: tc.session}, nil
			})
			endpoint := tc.host + ":" + tc.port
			// BuildAuthToken signs at time.Now: botocore signs at the
			// X-Amz-Date read back from the Go token.
			goTok, err := auth.BuildAuthToken(context.Background(), endpoint, tc.region, tc.user, creds)
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse("https://" + goTok)
			if err != nil {
				t.Fatalf("token %q is not a URL: %v", goTok, err)
			}
			stamp := u.Query().Get("X-Amz-Date")
			if _, err := time.Parse("20060102T150405Z", stamp); err != nil {
				t.Fatalf("X-Amz-Date %q: %v", stamp, err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, py, "-c", botocoreToken,
				tc.key, tc.secret, tc.session, tc.region, tc.host, tc.port, tc.user, stamp).Output()
			if err != nil {
				var stderr string
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = string(ee.Stderr)
				}
				t.Fatalf("botocore: %v\n%s", err, stderr)
			}
			pyTok := strings.TrimSpace(string(out))
			// The two differ in form only: botocore writes host:port/?...
			// where aws-sdk-go-v2 writes host:port?... (both sign the path
			// "/"), and botocore puts X-Amz-Security-Token after
			// X-Amz-SignedHeaders where Go sorts it before (both sign the
			// sorted query). Compared in that canonical form, and by
			// signature, they must be the same token.
			if g, p := canonicalToken(t, goTok), canonicalToken(t, pyTok); g != p {
				t.Errorf("tokens differ:\n aws-sdk-go-v2: %s\n botocore:      %s", goTok, pyTok)
			}
			if got, want := signature(t, goTok), signature(t, pyTok); got != want || got == "" {
				t.Errorf("signatures differ: %q and %q", got, want)
			}
			if !strings.HasPrefix(goTok, endpoint) || u.Query().Get("X-Amz-Expires") != "900" || u.Query().Get("DBUser") != tc.user {
				t.Errorf("token %q: want %s, user %s, valid 900 s", goTok, endpoint, tc.user)
			}
		})
	}
}

// canonicalToken returns host:port/? and the token's query, sorted.
func canonicalToken(t *testing.T, tok string) string {
	t.Helper()
	u, err := url.Parse("https://" + tok)
	if err != nil {
		t.Fatalf("token %q: %v", tok, err)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	return u.Host + path + "?" + u.Query().Encode()
}

func signature(t *testing.T, tok string) string {
	t.Helper()
	u, err := url.Parse("https://" + tok)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("X-Amz-Signature")
}
