package certs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets/certs"
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// byResource returns, for each resource, its check (without prefix) ->
// status.
func byResource(findings []certs.Finding) map[string]map[string]certs.Status {
	out := map[string]map[string]certs.Status{}
	for _, f := range findings {
		if out[f.Resource] == nil {
			out[f.Resource] = map[string]certs.Status{}
		}
		out[f.Resource][strings.TrimPrefix(f.CheckID, "secrets.certs.acm.")] = f.Status
	}
	return out
}

// TestCertsACM imports certificates with chosen expiry and key types into
// moto, attaches one to a load balancer listener, requests one that stays
// pending, and checks every ACM check fails on the certificate made to
// fail it and passes on the others.
func TestCertsACM(t *testing.T) {
	cfg := testenv.AWS(t)
	cfg.Region = "eu-north-1" // a region of its own in the shared emulator
	ctx := context.Background()
	api := acm.NewFromConfig(cfg)
	root := newRoot(t, "opskit acm root")
	in := func(d time.Duration) time.Time { return time.Now().Add(d) }
	const day = 24 * time.Hour
	run := fmt.Sprint(time.Now().UnixNano())

	imp := func(name, key string, notAfter time.Time) string {
		c, k := root.leaf(t, leafSpec{name: name + "-" + run + ".test", key: key, notAfter: notAfter})
		out, err := api.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: certPEM(c), PrivateKey: keyPEM(t, k), CertificateChain: certPEM(root.cert)})
		if err != nil {
			t.Fatalf("import %s: %v", name, err)
		}
		return aws.ToString(out.CertificateArn)
	}
	good := imp("good", "rsa2048", in(200*day))
	soon := imp("soon", "p256", in(10*day))
	weak := imp("weak", "rsa1024", in(200*day))
	pending := aws.ToString(must(api.RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String("pending-" + run + ".test"), ValidationMethod: acmtypes.ValidationMethodDns})).CertificateArn)

	// good is served by an HTTPS listener, so it is in use.
	e, lbc := ec2.NewFromConfig(cfg), elbv2.NewFromConfig(cfg)
	subs := must(e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}}))
	if len(subs.Subnets) < 2 {
		t.Fatalf("moto region %s has %d default subnets; want 2", cfg.Region, len(subs.Subnets))
	}
	lb := must(lbc.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("certs-" + run[len(run)-8:]),
		Subnets: []string{aws.ToString(subs.Subnets[0].SubnetId), aws.ToString(subs.Subnets[1].SubnetId)}})).LoadBalancers[0]
	tg := must(lbc.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("certs-" + run[len(run)-8:]), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: subs.Subnets[0].VpcId})).TargetGroups[0]
	must(lbc.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttps, Port: aws.Int32(443),
		Certificates:   []elbtypes.Certificate{{CertificateArn: aws.String(good)}},
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroupArn}}}))

	P, F := certs.StatusPass, certs.StatusFail
	check := func(t *testing.T, opts certs.ACMOptions, want map[string]map[string]certs.Status) {
		t.Helper()
		findings, err := certs.AuditACM(ctx, api, opts)
		if err != nil {
			t.Fatal(err)
		}
		got := byResource(findings)
		for arn, checks := range want {
			for id, st := range checks {
				if got[arn][id] != st {
					t.Errorf("%s on %s = %v; want %v", id, arn, got[arn][id], st)
				}
			}
			if len(got[arn]) != len(checks) {
				t.Errorf("%s: findings %v; want %v", arn, got[arn], checks)
			}
		}
	}
	t.Run("now", func(t *testing.T) {
		check(t, certs.ACMOptions{}, map[string]map[string]certs.Status{
			good:    {"expiry": P, "not_in_use": P, "validation": P, "key_algorithm": P},
			soon:    {"expiry": F, "not_in_use": F, "validation": P, "key_algorithm": P},
			weak:    {"expiry": P, "not_in_use": F, "validation": P, "key_algorithm": F},
			pending: {"not_in_use": F, "validation": P, "key_algorithm": P}, // not issued: no expiry yet
		})
	})
	t.Run("two days later, 5-day threshold", func(t *testing.T) {
		// soon is 8 days from expiry, beyond a 5-day threshold; pending has
		// waited two days for validation.
		check(t, certs.ACMOptions{Now: func() time.Time { return time.Now().Add(2 * day) }, ExpiryWithin: 5 * day}, map[string]map[string]certs.Status{
			good:    {"expiry": P, "not_in_use": P, "validation": P, "key_algorithm": P},
			soon:    {"expiry": P, "not_in_use": F, "validation": P, "key_algorithm": P},
			pending: {"not_in_use": F, "validation": F, "key_algorithm": P},
		})
	})
	t.Run("after soon expired", func(t *testing.T) {
		check(t, certs.ACMOptions{Now: func() time.Time { return time.Now().Add(11 * day) }}, map[string]map[string]certs.Status{
			soon: {"expiry": F, "not_in_use": F, "validation": P, "key_algorithm": P},
		})
	})
}

// describeOnly serves one certificate detail, for the states moto cannot
// reach (FAILED, VALIDATION_TIMED_OUT).
type describeOnly struct {
	detail acmtypes.CertificateDetail
	list   *acm.ListCertificatesInput // the last ListCertificates input
}

func (d *describeOnly) ListCertificates(_ context.Context, in *acm.ListCertificatesInput, _ ...func(*acm.Options)) (*acm.ListCertificatesOutput, error) {
	d.list = in
	return &acm.ListCertificatesOutput{CertificateSummaryList: []acmtypes.CertificateSummary{{CertificateArn: d.detail.CertificateArn}}}, nil
}

func (d *describeOnly) DescribeCertificate(context.Context, *acm.DescribeCertificateInput, ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error) {
	return &acm.DescribeCertificateOutput{Certificate: &d.detail}, nil
}

func TestCertsACMFailedValidation(t *testing.T) {
	for name, c := range map[string]struct {
		detail acmtypes.CertificateDetail
		want   string
	}{
		"failed":    {acmtypes.CertificateDetail{Status: acmtypes.CertificateStatusFailed, FailureReason: acmtypes.FailureReasonCaaError}, "CAA_ERROR"},
		"timed out": {acmtypes.CertificateDetail{Status: acmtypes.CertificateStatusValidationTimedOut}, "VALIDATION_TIMED_OUT"},
		"domain failed": {acmtypes.CertificateDetail{Status: acmtypes.CertificateStatusPendingValidation, CreatedAt: aws.Time(time.Now()),
			DomainValidationOptions: []acmtypes.DomainValidation{{DomainName: aws.String("a.test"), ValidationStatus: acmtypes.DomainStatusFailed}}}, "a.test"},
	} {
		t.Run(name, func(t *testing.T) {
			c.detail.CertificateArn, c.detail.KeyAlgorithm = aws.String("arn:aws:acm:eu-north-1:1:certificate/x"), acmtypes.KeyAlgorithmRsa2048
			api := &describeOnly{detail: c.detail}
			findings, err := certs.AuditACM(context.Background(), api, certs.ACMOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// Real ACM lists only RSA_1024 and RSA_2048 certificates unless
			// asked for the other key types (moto lists all either way).
			if api.list.Includes == nil || len(api.list.Includes.KeyTypes) != len(acmtypes.KeyAlgorithm("").Values()) {
				t.Errorf("ListCertificates input %+v; want every key type included", api.list)
			}
			for _, f := range findings {
				if f.CheckID == "secrets.certs.acm.validation" && (f.Status != certs.StatusFail || !strings.Contains(f.Evidence, c.want)) {
					t.Errorf("validation = %v %q; want fail naming %s", f.Status, f.Evidence, c.want)
				}
			}
		})
	}
	if _, err := certs.AuditACM(context.Background(), &describeOnly{}, certs.ACMOptions{ExpiryWithin: -1}); !errors.Is(err, certs.ErrInvalid) {
		t.Errorf("negative threshold: %v; want ErrInvalid", err)
	}
}
