package bulk_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
)

// rotating hands out temporary credentials that expire after ttl, a new
// key each time, like STS behind the SDK's default chain.
type rotating struct {
	mu      sync.Mutex
	n       int
	ttl     time.Duration
	keys    map[string][2]string // access key -> secret, session token
	issued  []time.Time          // when key n+1 was handed out
	expires []time.Time          // when key n+1 expires
}

func (r *rotating) Retrieve(context.Context) (aws.Credentials, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	now := time.Now()
	c := aws.Credentials{AccessKeyID: fmt.Sprintf("ASIAOPSKIT%06d", r.n), SecretAccessKey: fmt.Sprintf("secret/%d/%d", r.n, now.UnixNano()),
		SessionToken: fmt.Sprintf("token-%d", r.n), CanExpire: true, Expires: now.Add(r.ttl)}
	r.keys[c.AccessKeyID] = [2]string{c.SecretAccessKey, c.SessionToken}
	r.issued, r.expires = append(r.issued, now), append(r.expires, c.Expires)
	return c, nil
}

// checkRefresh reports a key fetched before the one before it expired
// (a needless refresh) and fewer than want keys.
func (r *rotating) checkRefresh(t *testing.T, want int) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n < want {
		t.Fatalf("the provider handed out %d keys; want at least %d (expired credentials fetched again)", r.n, want)
	}
	for i := 1; i < r.n; i++ {
		if r.issued[i].Before(r.expires[i-1]) {
			t.Fatalf("key %d was fetched at %v, before key %d expired at %v", i+1, r.issued[i], i, r.expires[i-1])
		}
	}
}

// expiry returns when akid expires.
func (r *rotating) expiry(akid string) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int
	fmt.Sscanf(akid, "ASIAOPSKIT%d", &n)
	if n < 1 || n > len(r.expires) {
		return time.Time{}
	}
	return r.expires[n-1]
}

func (r *rotating) lookup(akid string) (secret, token string, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.keys[akid]
	return k[0], k[1], ok
}

// botocoreCheck returns a bulkfake check that verifies each request's
// signature with botocore (testdata/sigv4check.py), looking the secret up
// by the request's access key; it records the keys it accepted.
func botocoreCheck(t *testing.T, py, region, service string, creds *rotating, accepted *[]string, mu *sync.Mutex) func(*http.Request, []byte) error {
	return func(r *http.Request, body []byte) error {
		akid := ""
		if _, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
			akid, _, _ = strings.Cut(rest, "/")
		}
		secret, token, ok := creds.lookup(akid)
		if !ok {
			return fmt.Errorf("unknown access key %q", akid)
		}
		// Like AWS, refuse a request signed after its key expired.
		signed, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
		if exp := creds.expiry(akid); err != nil || signed.After(exp) {
			return fmt.Errorf("ExpiredToken: %s signed at %s expired at %v", akid, r.Header.Get("X-Amz-Date"), exp)
		}
		headers := map[string][]string{"host": {r.Host}}
		if r.ContentLength > 0 {
			headers["content-length"] = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		for k, v := range r.Header {
			headers[k] = v
		}
		in, _ := json.Marshal(map[string]any{"method": r.Method, "url": "http://" + r.Host + r.URL.RequestURI(), "headers": headers,
			"body": base64.StdEncoding.EncodeToString(body), "access_key": akid, "secret_key": secret, "session_token": token,
			"region": region, "service": service})
		cmd := exec.Command(py, "testdata/sigv4check.py")
		cmd.Stdin = bytes.NewReader(in)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("botocore: %s", bytes.TrimSpace(out))
		}
		mu.Lock()
		*accepted = append(*accepted, akid)
		mu.Unlock()
		return nil
	}
}

// TestSigV4Botocore ships signed bulk requests for the es and aoss
// services to bulkfake, which checks every signature with botocore's
// SigV4 (the moto server's Python), not with our signer. The credentials
// expire after a second: requests after that are signed with a fresh key
// from the provider. A wrong secret and a body changed after signing are
// refused, so the check can fail.
func TestSigV4Botocore(t *testing.T) {
	py := testenv.BotocorePython(t)
	for _, service := range []string{"es", "aoss"} {
		t.Run(service, func(t *testing.T) {
			creds := &rotating{ttl: time.Second, keys: map[string][2]string{}}
			var mu sync.Mutex
			var accepted []string
			es := bulkfake.NewServer(bulkfake.Options{})
			defer es.Close()
			es.Authenticate(botocoreCheck(t, py, "eu-west-1", service, creds, &accepted, &mu))
			tr, err := bulk.NewSigV4Transport(bulk.SigV4{Credentials: creds, Region: "eu-west-1", Service: service})
			if err != nil {
				t.Fatal(err)
			}
			sink, err := bulk.NewSink(bulk.Options{URL: es.URL, IndexPrefix: "signed", Client: &http.Client{Transport: tr}, MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			write := func(first int) {
				t.Helper()
				var batch []logging.Event
				for i := first; i < first+100; i++ {
					batch = append(batch, logging.Event{Time: time.Now(), Message: []byte(fmt.Sprintf("signed %s %d ünïcode", service, i))})
				}
				if _, err := sink.Write(context.Background(), batch); err != nil {
					t.Fatalf("Write: %v", err)
				}
			}
			write(0)
			write(100)
			time.Sleep(1200 * time.Millisecond) // the key in use expires
			write(200)
			if n := len(es.Docs("signed")); n != 300 {
				t.Fatalf("%d documents stored; want 300", n)
			}
			mu.Lock()
			keys := append([]string(nil), accepted...)
			mu.Unlock()
			// Each request signed with a valid key, a fresh one after the
			// sleep, and no key fetched before the previous one expired.
			// (How many keys the first two requests used depends on how
			// long botocore took to check them: a second on a busy machine.)
			if len(keys) != 3 || keys[2] == keys[1] {
				t.Fatalf("accepted requests signed with %v; want a fresh key after the first expired", keys)
			}
			creds.checkRefresh(t, 2)

			// A signature made with the wrong secret, and a body changed
			// after signing, are refused (keys that do not expire here).
			long := &rotating{ttl: time.Hour, keys: map[string][2]string{}}
			strict := bulkfake.NewServer(bulkfake.Options{})
			defer strict.Close()
			strict.Authenticate(botocoreCheck(t, py, "eu-west-1", service, long, &accepted, &mu))
			good, _ := long.Retrieve(context.Background())
			bad, _ := bulk.NewSigV4Transport(bulk.SigV4{Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: good.AccessKeyID, SecretAccessKey: "not-the-secret", SessionToken: good.SessionToken}, nil
			}), Region: "eu-west-1", Service: service})
			badSink, _ := bulk.NewSink(bulk.Options{URL: strict.URL, IndexPrefix: "signed", Client: &http.Client{Transport: bad}, MaxAttempts: 1})
			_, err = badSink.Write(context.Background(), []logging.Event{{Time: time.Now(), Message: []byte("forged")}})
			var be *bulk.Error
			if !errors.As(err, &be) || be.Status != http.StatusForbidden || !strings.Contains(err.Error(), "signature mismatch") {
				t.Fatalf("wrong secret: Write = %v; want 403 signature mismatch", err)
			}
			tampered, _ := bulk.NewSigV4Transport(bulk.SigV4{Credentials: long, Region: "eu-west-1", Service: service, Base: tamper{}})
			tSink, _ := bulk.NewSink(bulk.Options{URL: strict.URL, IndexPrefix: "signed", Client: &http.Client{Transport: tampered}, MaxAttempts: 1})
			if _, err = tSink.Write(context.Background(), []logging.Event{{Time: time.Now(), Message: []byte("original")}}); !errors.As(err, &be) || be.Status != http.StatusForbidden {
				t.Fatalf("tampered body: Write = %v; want 403", err)
			}
			if n := len(strict.Docs("signed")); n != 0 {
				t.Fatalf("%d documents stored from refused requests; want 0", n)
			}
		})
	}
}

// tamper replaces "original" with "modified" in the body after signing.
type tamper struct{}

func (tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	body = bytes.ReplaceAll(body, []byte("original"), []byte("modified"))
	r.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(r)
}

func TestSigV4Invalid(t *testing.T) {
	creds := aws.AnonymousCredentials{}
	for _, o := range []bulk.SigV4{{Region: "us-east-1"}, {Credentials: creds}, {Credentials: creds, Region: "us-east-1", Service: "s3"}} {
		if _, err := bulk.NewSigV4Transport(o); !errors.Is(err, logging.ErrInvalid) {
			t.Errorf("NewSigV4Transport(%+v) = %v; want ErrInvalid", o, err)
		}
	}
}
