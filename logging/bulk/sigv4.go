package bulk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/opskit-dev/opskit/logging"
)

// SigV4 configures AWS Signature Version 4 signing of bulk requests, for
// Amazon OpenSearch Service domains with IAM access ("es") and OpenSearch
// Serverless collections ("aoss").
type SigV4 struct {
	// Credentials gives the AWS credentials (required), usually the
	// default chain: cfg.Credentials from config.LoadDefaultConfig. A
	// provider that is not an *aws.CredentialsCache is wrapped in one, so
	// temporary credentials are fetched again when they expire.
	Credentials aws.CredentialsProvider
	// Region is the domain's or collection's region (required).
	Region string
	// Service is "es" (default) or "aoss".
	Service string
	// Base sends the signed requests (default http.DefaultTransport).
	Base http.RoundTripper
	// Now is the signing clock (default time.Now).
	Now func() time.Time
}

// NewSigV4Transport returns an http.RoundTripper that signs every request
// with SigV4 before Base sends it; use it as the Transport of
// Options.Client. Every request carries X-Amz-Content-Sha256 (the payload
// hash, which aoss requires) and no basic-auth header: leave
// Options.Username and Password empty.
func NewSigV4Transport(opts SigV4) (http.RoundTripper, error) {
	if opts.Credentials == nil {
		return nil, &logging.InvalidError{Input: "bulk.SigV4", Field: "Credentials", Reason: "a credentials provider is required"}
	}
	if opts.Region == "" {
		return nil, &logging.InvalidError{Input: "bulk.SigV4", Field: "Region", Reason: "a region is required"}
	}
	switch opts.Service {
	case "":
		opts.Service = "es"
	case "es", "aoss":
	default:
		return nil, &logging.InvalidError{Input: "bulk.SigV4", Field: "Service", Reason: fmt.Sprintf("%q; want \"es\" or \"aoss\"", opts.Service)}
	}
	if !aws.IsCredentialsProvider(opts.Credentials, (*aws.CredentialsCache)(nil)) {
		opts.Credentials = aws.NewCredentialsCache(opts.Credentials)
	}
	if opts.Base == nil {
		opts.Base = http.DefaultTransport
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &sigV4Transport{opts: opts, signer: v4.NewSigner()}, nil
}

type sigV4Transport struct {
	opts   SigV4
	signer *v4.Signer
}

// RoundTrip implements http.RoundTripper: it signs a copy of req.
func (t *sigV4Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, fmt.Errorf("bulk: sign request to %s: read body: %w", req.URL.Host, err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	signed := req.Clone(req.Context())
	signed.Body = io.NopCloser(bytes.NewReader(body))
	signed.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	signed.ContentLength = int64(len(body))
	signed.Header.Del("Authorization")
	signed.Header.Set("X-Amz-Content-Sha256", hash)
	creds, err := t.opts.Credentials.Retrieve(req.Context())
	if err != nil {
		return nil, fmt.Errorf("bulk: sign request to %s: credentials: %w", req.URL.Host, err)
	}
	if err := t.signer.SignHTTP(req.Context(), creds, signed, hash, t.opts.Service, t.opts.Region, t.opts.Now()); err != nil {
		return nil, fmt.Errorf("bulk: sign request to %s: %w", req.URL.Host, err)
	}
	return t.opts.Base.RoundTrip(signed)
}

// readBody returns req's body without consuming what a retry needs.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close() // a RoundTripper closes the body, even on error
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	return io.ReadAll(req.Body)
}
