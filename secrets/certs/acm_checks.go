package certs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/opskit-dev/opskit/internal/audit"
)

// acmRule makes a checker from eval, which returns the evidence, whether
// the certificate fails, and whether the check applies to it at all.
func acmRule(id, title string, sev audit.Severity, rem audit.Remediation, eval func(t acmTarget) (evidence string, fail, applies bool)) audit.Checker[acmTarget] {
	c := Check{ID: "secrets.certs.acm." + id, Title: title, Severity: sev, Remediation: rem, Tags: []string{"aws", "acm", "tls"}}
	return audit.Checker[acmTarget]{Check: c, Func: func(_ context.Context, t acmTarget) ([]Finding, error) {
		evidence, fail, applies := eval(t)
		if !applies {
			return nil, nil
		}
		arn := aws.ToString(t.cert.CertificateArn)
		if fail {
			return []Finding{c.Fail(arn, evidence)}, nil
		}
		f := c.Pass(arn)
		f.Evidence = evidence
		return []Finding{f}, nil
	}}
}

func days(d time.Duration) string {
	return fmt.Sprintf("%.0f days", d.Hours()/24)
}

var acmCheckers = []audit.Checker[acmTarget]{
	acmRule("expiry", "ACM certificate expires soon or has expired", audit.SeverityHigh,
		audit.Remediation{Text: "Renew the certificate: for an imported one, import the renewed certificate over the same ARN so its users keep it; check why managed renewal did not happen for an Amazon-issued one.",
			Command: "aws acm import-certificate --certificate-arn <arn> --certificate fileb://cert.pem --private-key fileb://key.pem --certificate-chain fileb://chain.pem"},
		func(t acmTarget) (string, bool, bool) {
			switch t.cert.Status {
			case types.CertificateStatusPendingValidation, types.CertificateStatusFailed, types.CertificateStatusValidationTimedOut:
				// Never issued: ACM reports no NotAfter (moto makes one up).
				return "", false, false
			}
			if t.cert.NotAfter == nil {
				return "", false, false
			}
			na := t.cert.NotAfter.UTC()
			left := na.Sub(t.now)
			switch {
			case left <= 0:
				return "expired on " + na.Format(time.RFC3339), true, true
			case left < t.opts.ExpiryWithin:
				return fmt.Sprintf("expires on %s, in %s (threshold %s)", na.Format(time.RFC3339), days(left), days(t.opts.ExpiryWithin)), true, true
			}
			return fmt.Sprintf("expires on %s, in %s", na.Format(time.RFC3339), days(left)), false, true
		}),
	acmRule("not_in_use", "ACM certificate is not in use", audit.SeverityLow,
		audit.Remediation{Text: "Attach the certificate to the load balancer or distribution it was made for, or delete it so it is not renewed and tracked for nothing.",
			Command: "aws acm delete-certificate --certificate-arn <arn>"},
		func(t acmTarget) (string, bool, bool) {
			if len(t.cert.InUseBy) == 0 {
				return "InUseBy is empty", true, true
			}
			return "in use by " + strings.Join(t.cert.InUseBy, ", "), false, true
		}),
	acmRule("validation", "ACM certificate failed or is stuck in domain validation", audit.SeverityHigh,
		audit.Remediation{Text: "Create the DNS validation records ACM lists (or answer the validation e-mail), then request the certificate again if validation failed or timed out.",
			Command: "aws acm describe-certificate --certificate-arn <arn> --query Certificate.DomainValidationOptions"},
		func(t acmTarget) (string, bool, bool) {
			c := t.cert
			switch c.Status {
			case types.CertificateStatusFailed:
				return fmt.Sprintf("status FAILED (%s)", c.FailureReason), true, true
			case types.CertificateStatusValidationTimedOut:
				return "status VALIDATION_TIMED_OUT", true, true
			}
			for _, dv := range c.DomainValidationOptions {
				if dv.ValidationStatus == types.DomainStatusFailed {
					return fmt.Sprintf("domain %s: validation FAILED", aws.ToString(dv.DomainName)), true, true
				}
			}
			if c.Status == types.CertificateStatusPendingValidation {
				since := aws.ToTime(c.CreatedAt)
				if waited := t.now.Sub(since); !since.IsZero() && waited > t.opts.PendingFor {
					return fmt.Sprintf("pending validation since %s (%s, threshold %s)", since.UTC().Format(time.RFC3339), waited.Round(time.Minute), t.opts.PendingFor), true, true
				}
				return "pending validation", false, true
			}
			return "status " + string(c.Status), false, true
		}),
	acmRule("key_algorithm", "ACM certificate has a weak key", audit.SeverityHigh,
		audit.Remediation{Text: fmt.Sprintf("Replace the certificate with one on an RSA key of at least %d bits or an EC P-256 or P-384 key, and move its users to it.", MinRSABits),
			Command: "aws acm request-certificate --domain-name <name> --key-algorithm EC_prime256v1 --validation-method DNS"},
		func(t acmTarget) (string, bool, bool) {
			alg := string(t.cert.KeyAlgorithm)
			if why := weakACMKey(alg); why != "" {
				return why, true, true
			}
			return alg, false, true
		}),
}
