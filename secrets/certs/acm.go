package certs

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/opskit-dev/opskit/internal/audit"
)

// DefaultExpiryWithin is how close to expiry a certificate fails the
// expiry checks unless options say otherwise: 30 days.
const DefaultExpiryWithin = 30 * 24 * time.Hour

// DefaultPendingFor is how long a certificate may wait for validation
// before the validation check fails: 24 hours (ACM itself gives up after
// 72).
const DefaultPendingFor = 24 * time.Hour

// ACMOptions configures AuditACM. The zero value is ready to use.
type ACMOptions struct {
	// ExpiryWithin fails certificates that expire within it; zero means
	// DefaultExpiryWithin.
	ExpiryWithin time.Duration
	// PendingFor fails certificates still pending validation after it;
	// zero means DefaultPendingFor.
	PendingFor time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (o ACMOptions) withDefaults() ACMOptions {
	if o.ExpiryWithin == 0 {
		o.ExpiryWithin = DefaultExpiryWithin
	}
	if o.PendingFor == 0 {
		o.PendingFor = DefaultPendingFor
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// acmTarget is one certificate and the options it is judged by.
type acmTarget struct {
	cert types.CertificateDetail
	opts ACMOptions
	now  time.Time
}

// AuditACM lists every certificate in the account and region api reaches,
// of every key type and status, and runs the ACM checks (ACMChecks) on
// each: one finding per check and certificate, the certificate ARN as the
// resource.
func AuditACM(ctx context.Context, api ACMAPI, opts ACMOptions) ([]Finding, error) {
	if opts.ExpiryWithin < 0 || opts.PendingFor < 0 {
		return nil, &InvalidError{Input: "ACMOptions", Reason: "durations must not be negative"}
	}
	opts = opts.withDefaults()
	// ListCertificates returns only RSA_1024 and RSA_2048 certificates
	// unless asked for the other key types.
	in := &acm.ListCertificatesInput{Includes: &types.Filters{KeyTypes: types.KeyAlgorithm("").Values()}}
	var out []Finding
	pager := acm.NewListCertificatesPaginator(api, in)
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("certs: list ACM certificates: %w", err)
		}
		for _, s := range page.CertificateSummaryList {
			arn := aws.ToString(s.CertificateArn)
			d, err := api.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: s.CertificateArn})
			if err != nil {
				return nil, fmt.Errorf("certs: describe ACM certificate %s: %w", arn, err)
			}
			if d.Certificate == nil {
				return nil, fmt.Errorf("certs: describe ACM certificate %s: no certificate in the answer", arn)
			}
			out = append(out, audit.Run(ctx, acmTarget{cert: *d.Certificate, opts: opts, now: opts.Now()}, acmCheckers...)...)
		}
	}
	return out, nil
}

// ACMChecks lists the ACM checks.
func ACMChecks() []Check {
	out := make([]Check, len(acmCheckers))
	for i, c := range acmCheckers {
		out[i] = c.Check
	}
	return out
}
