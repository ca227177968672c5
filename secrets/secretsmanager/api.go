// Package secretsmanager is the AWS Secrets Manager backend of package
// secrets: versions and staging labels as AWS defines them, the canonical
// stages mapped onto AWSCURRENT, AWSPENDING and AWSPREVIOUS (AWSPREVIOUS
// moved by AWS itself), text values as SecretString and other bytes as
// SecretBinary, and deletion with a recovery window of 7 to 30 days.
//
// It talks to Secrets Manager through narrow per-operation interfaces,
// which *secretsmanager.Client satisfies; secrets/secretstest is the suite
// it passes on moto.
package secretsmanager

import (
	"context"

	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// The operations used, one interface each, as aws-sdk-go-v2 names them.
type (
	// GetSecretValueAPI reads a version's value.
	GetSecretValueAPI interface {
		GetSecretValue(context.Context, *sm.GetSecretValueInput, ...func(*sm.Options)) (*sm.GetSecretValueOutput, error)
	}
	// PutSecretValueAPI adds a version.
	PutSecretValueAPI interface {
		PutSecretValue(context.Context, *sm.PutSecretValueInput, ...func(*sm.Options)) (*sm.PutSecretValueOutput, error)
	}
	// CreateSecretAPI creates a secret with its first version.
	CreateSecretAPI interface {
		CreateSecret(context.Context, *sm.CreateSecretInput, ...func(*sm.Options)) (*sm.CreateSecretOutput, error)
	}
	// UpdateSecretVersionStageAPI moves a staging label.
	UpdateSecretVersionStageAPI interface {
		UpdateSecretVersionStage(context.Context, *sm.UpdateSecretVersionStageInput, ...func(*sm.Options)) (*sm.UpdateSecretVersionStageOutput, error)
	}
	// ListSecretVersionIdsAPI lists versions.
	ListSecretVersionIdsAPI interface {
		ListSecretVersionIds(context.Context, *sm.ListSecretVersionIdsInput, ...func(*sm.Options)) (*sm.ListSecretVersionIdsOutput, error)
	}
	// DescribeSecretAPI reads a secret's metadata.
	DescribeSecretAPI interface {
		DescribeSecret(context.Context, *sm.DescribeSecretInput, ...func(*sm.Options)) (*sm.DescribeSecretOutput, error)
	}
	// DeleteSecretAPI deletes or schedules deletion.
	DeleteSecretAPI interface {
		DeleteSecret(context.Context, *sm.DeleteSecretInput, ...func(*sm.Options)) (*sm.DeleteSecretOutput, error)
	}
	// RestoreSecretAPI cancels a scheduled deletion.
	RestoreSecretAPI interface {
		RestoreSecret(context.Context, *sm.RestoreSecretInput, ...func(*sm.Options)) (*sm.RestoreSecretOutput, error)
	}
)

// API is every operation the backend uses; *secretsmanager.Client
// satisfies it.
type API interface {
	GetSecretValueAPI
	PutSecretValueAPI
	CreateSecretAPI
	UpdateSecretVersionStageAPI
	ListSecretVersionIdsAPI
	DescribeSecretAPI
	DeleteSecretAPI
	RestoreSecretAPI
}

var _ API = (*sm.Client)(nil)
