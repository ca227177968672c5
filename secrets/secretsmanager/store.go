package secretsmanager

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/driver"
)

// Backend implements secrets/driver.Store over Secrets Manager.
type Backend struct{ api API }

var (
	_ driver.Store    = (*Backend)(nil)
	_ driver.Restorer = (*Backend)(nil)
)

// New returns a backend over api (usually *secretsmanager.Client).
func New(api API) *Backend { return &Backend{api: api} }

// NewStore returns a *secrets.Store over api.
func NewStore(api API, opts secrets.Options) *secrets.Store { return secrets.New(New(api), opts) }

// AWS's labels for the canonical stages.
var toAWS = map[string]string{
	driver.StageCurrent:  "AWSCURRENT",
	driver.StagePending:  "AWSPENDING",
	driver.StagePrevious: "AWSPREVIOUS",
}

func awsStage(s string) string {
	if a, ok := toAWS[s]; ok {
		return a
	}
	return s
}

func ourStages(labels []string) []string {
	out := make([]string, 0, len(labels))
	for _, l := range labels {
		s := l
		for k, v := range toAWS {
			if v == l {
				s = k
			}
		}
		out = append(out, s)
	}
	return out
}

// Get implements driver.Store.
func (b *Backend) Get(ctx context.Context, name string, ref driver.Ref) (driver.Version, []byte, error) {
	in := &sm.GetSecretValueInput{SecretId: aws.String(name)}
	if ref.VersionID != "" {
		in.VersionId = aws.String(ref.VersionID)
	} else {
		in.VersionStage = aws.String(awsStage(ref.Stage))
	}
	out, err := b.api.GetSecretValue(ctx, in)
	if err != nil {
		return driver.Version{}, nil, mapErr("GetSecretValue", err)
	}
	v := driver.Version{ID: aws.ToString(out.VersionId), Stages: ourStages(out.VersionStages), Created: aws.ToTime(out.CreatedDate)}
	if out.SecretBinary != nil {
		return v, out.SecretBinary, nil
	}
	return v, []byte(aws.ToString(out.SecretString)), nil
}

// Put implements driver.Store.
func (b *Backend) Put(ctx context.Context, name string, value []byte, stages []string) (driver.Version, error) {
	labels := make([]string, len(stages))
	for i, s := range stages {
		labels[i] = awsStage(s)
	}
	in := &sm.PutSecretValueInput{SecretId: aws.String(name), VersionStages: labels}
	setValue(value, &in.SecretString, &in.SecretBinary)
	out, err := b.api.PutSecretValue(ctx, in)
	if err == nil {
		return driver.Version{ID: aws.ToString(out.VersionId), Stages: ourStages(out.VersionStages), Created: time.Now()}, nil
	}
	if !errors.Is(mapErr("", err), driver.ErrNotFound) {
		return driver.Version{}, mapErr("PutSecretValue", err)
	}
	cin := &sm.CreateSecretInput{Name: aws.String(name)}
	setValue(value, &cin.SecretString, &cin.SecretBinary)
	cout, err := b.api.CreateSecret(ctx, cin)
	if err != nil {
		return driver.Version{}, mapErr("CreateSecret", err)
	}
	id := aws.ToString(cout.VersionId)
	got := []string{driver.StageCurrent}
	for _, s := range stages {
		if s == driver.StageCurrent {
			continue
		}
		if err := b.MoveStage(ctx, name, s, "", id); err != nil {
			return driver.Version{}, err
		}
		got = append(got, s)
	}
	return driver.Version{ID: id, Stages: got, Created: time.Now()}, nil
}

// setValue stores text as SecretString and other bytes as SecretBinary.
func setValue(value []byte, str **string, bin *[]byte) {
	if utf8.Valid(value) {
		*str = aws.String(string(value))
	} else {
		*bin = value
	}
}

// MoveStage implements driver.Store.
func (b *Backend) MoveStage(ctx context.Context, name, stage, from, to string) error {
	in := &sm.UpdateSecretVersionStageInput{SecretId: aws.String(name), VersionStage: aws.String(awsStage(stage))}
	if from != "" {
		in.RemoveFromVersionId = aws.String(from)
	}
	if to != "" {
		in.MoveToVersionId = aws.String(to)
	}
	if _, err := b.api.UpdateSecretVersionStage(ctx, in); err != nil {
		return mapErr("UpdateSecretVersionStage", err)
	}
	return nil
}

// Versions implements driver.Store.
func (b *Backend) Versions(ctx context.Context, name string) ([]driver.Version, error) {
	var out []driver.Version
	in := &sm.ListSecretVersionIdsInput{SecretId: aws.String(name)}
	for {
		page, err := b.api.ListSecretVersionIds(ctx, in)
		if err != nil {
			return nil, b.classify(ctx, name, mapErr("ListSecretVersionIds", err))
		}
		for _, v := range page.Versions {
			if len(v.VersionStages) == 0 {
				continue
			}
			out = append(out, driver.Version{ID: aws.ToString(v.VersionId), Stages: ourStages(v.VersionStages), Created: aws.ToTime(v.CreatedDate)})
		}
		if aws.ToString(page.NextToken) == "" { // moto sends ""
			break
		}
		in.NextToken = page.NextToken
	}
	slices.SortStableFunc(out, func(a, b driver.Version) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// classify asks DescribeSecret whether name exists when an error says
// nothing (moto answers ListSecretVersionIds for a missing secret with a
// 500), so a missing secret still reports ErrNotFound.
func (b *Backend) classify(ctx context.Context, name string, err error) error {
	if errors.Is(err, driver.ErrNotFound) || errors.Is(err, driver.ErrInvalid) || errors.Is(err, driver.ErrDeleted) {
		return err
	}
	if _, derr := b.api.DescribeSecret(ctx, &sm.DescribeSecretInput{SecretId: aws.String(name)}); derr != nil {
		if m := mapErr("DescribeSecret", derr); errors.Is(m, driver.ErrNotFound) {
			return m
		}
	}
	return err
}

// Delete implements driver.Store: a non-zero recovery window is rounded up
// to whole days and must be 7 to 30 days.
func (b *Backend) Delete(ctx context.Context, name string, recovery time.Duration) error {
	in := &sm.DeleteSecretInput{SecretId: aws.String(name)}
	if recovery == 0 {
		in.ForceDeleteWithoutRecovery = aws.Bool(true)
	} else {
		days := int64((recovery + 24*time.Hour - 1) / (24 * time.Hour))
		if days < 7 || days > 30 {
			return fmt.Errorf("recovery window %v: Secrets Manager allows 7 to 30 days: %w", recovery, driver.ErrInvalid)
		}
		in.RecoveryWindowInDays = aws.Int64(days)
	}
	if _, err := b.api.DeleteSecret(ctx, in); err != nil {
		return mapErr("DeleteSecret", err)
	}
	return nil
}

// Restore implements driver.Restorer.
func (b *Backend) Restore(ctx context.Context, name string) error {
	if _, err := b.api.RestoreSecret(ctx, &sm.RestoreSecretInput{SecretId: aws.String(name)}); err != nil {
		return mapErr("RestoreSecret", err)
	}
	return nil
}

// Close implements driver.Store; the client needs no closing.
func (b *Backend) Close() error { return nil }
