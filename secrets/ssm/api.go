// Package ssm is the SSM Parameter Store backend of package secrets:
// SecureString parameters, whose numbered versions are the secret's
// versions and whose version labels carry the stages ("current",
// "pending", "previous"). Parameter Store has no recovery window, so a
// deletion is immediate, and its values are text (up to 4 KB on the
// standard tier, 8 KB on the advanced).
//
// Get reads a parameter through GetParameterHistory (values and labels in
// one call); a parameter written outside this package with no "current"
// label reads its latest version as current.
//
// It talks to SSM through narrow per-operation interfaces, which
// *ssm.Client satisfies; secrets/secretstest is the suite it passes on moto.
package ssm

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// The operations used, one interface each, as aws-sdk-go-v2 names them.
type (
	// PutParameterAPI writes a new version.
	PutParameterAPI interface {
		PutParameter(context.Context, *ssm.PutParameterInput, ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	}
	// GetParameterHistoryAPI lists versions with values and labels.
	GetParameterHistoryAPI interface {
		GetParameterHistory(context.Context, *ssm.GetParameterHistoryInput, ...func(*ssm.Options)) (*ssm.GetParameterHistoryOutput, error)
	}
	// LabelParameterVersionAPI attaches (moves) labels.
	LabelParameterVersionAPI interface {
		LabelParameterVersion(context.Context, *ssm.LabelParameterVersionInput, ...func(*ssm.Options)) (*ssm.LabelParameterVersionOutput, error)
	}
	// UnlabelParameterVersionAPI removes labels.
	UnlabelParameterVersionAPI interface {
		UnlabelParameterVersion(context.Context, *ssm.UnlabelParameterVersionInput, ...func(*ssm.Options)) (*ssm.UnlabelParameterVersionOutput, error)
	}
	// DeleteParameterAPI deletes a parameter.
	DeleteParameterAPI interface {
		DeleteParameter(context.Context, *ssm.DeleteParameterInput, ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
	}
)

// API is every operation the backend uses; *ssm.Client satisfies it.
type API interface {
	PutParameterAPI
	GetParameterHistoryAPI
	LabelParameterVersionAPI
	UnlabelParameterVersionAPI
	DeleteParameterAPI
}

var _ API = (*ssm.Client)(nil)
