package certs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/acm"
)

// The ACM operations used, one interface each, as aws-sdk-go-v2 names
// them, so a fake needs two methods, not a whole client.
type (
	// ListCertificatesAPI lists certificates, one page at a time.
	ListCertificatesAPI = acm.ListCertificatesAPIClient
	// DescribeCertificateAPI reads one certificate's details.
	DescribeCertificateAPI interface {
		DescribeCertificate(context.Context, *acm.DescribeCertificateInput, ...func(*acm.Options)) (*acm.DescribeCertificateOutput, error)
	}
)

// ACMAPI is every ACM operation AuditACM uses; *acm.Client satisfies it.
type ACMAPI interface {
	ListCertificatesAPI
	DescribeCertificateAPI
}

var _ ACMAPI = (*acm.Client)(nil)
