package ssm

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/driver"
)

// Options configures the backend.
type Options struct {
	// KeyID is the KMS key SecureString values are encrypted with; empty
	// uses the account's aws/ssm key.
	KeyID string
	// Tier is the parameter tier for new versions; empty is Standard.
	Tier types.ParameterTier
}

// Backend implements secrets/driver.Store over Parameter Store.
type Backend struct {
	api  API
	opts Options
}

var _ driver.Store = (*Backend)(nil)

// New returns a backend over api (usually *ssm.Client).
func New(api API, opts Options) *Backend { return &Backend{api: api, opts: opts} }

// NewStore returns a *secrets.Store over api.
func NewStore(api API, opts Options) *secrets.Store {
	return secrets.New(New(api, opts), secrets.Options{})
}

type version struct {
	driver.Version
	value  string
	number int64
}

// history returns every version of name, oldest first, with values.
func (b *Backend) history(ctx context.Context, name string) ([]version, error) {
	var out []version
	in := &ssm.GetParameterHistoryInput{Name: aws.String(name), WithDecryption: aws.Bool(true), MaxResults: aws.Int32(50)}
	for {
		page, err := b.api.GetParameterHistory(ctx, in)
		if err != nil {
			return nil, mapErr("GetParameterHistory", err)
		}
		for _, p := range page.Parameters {
			out = append(out, version{
				Version: driver.Version{ID: strconv.FormatInt(p.Version, 10), Stages: slices.Clone(p.Labels), Created: aws.ToTime(p.LastModifiedDate)},
				value:   aws.ToString(p.Value), number: p.Version,
			})
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("parameter %q: %w", name, driver.ErrNotFound)
	}
	slices.SortFunc(out, func(a, b version) int { return int(a.number - b.number) })
	return out, nil
}

func withStage(vs []version, stage string) *version {
	for i := range vs {
		if slices.Contains(vs[i].Stages, stage) {
			return &vs[i]
		}
	}
	return nil
}

// Get implements driver.Store.
func (b *Backend) Get(ctx context.Context, name string, ref driver.Ref) (driver.Version, []byte, error) {
	vs, err := b.history(ctx, name)
	if err != nil {
		return driver.Version{}, nil, err
	}
	var v *version
	switch {
	case ref.VersionID != "":
		for i := range vs {
			if vs[i].ID == ref.VersionID {
				v = &vs[i]
			}
		}
	default:
		v = withStage(vs, ref.Stage)
		if v == nil && ref.Stage == driver.StageCurrent {
			v = &vs[len(vs)-1]
		}
	}
	if v == nil {
		return driver.Version{}, nil, fmt.Errorf("parameter %q: %+v: %w", name, ref, driver.ErrNotFound)
	}
	return v.Version, []byte(v.value), nil
}

// Put implements driver.Store.
func (b *Backend) Put(ctx context.Context, name string, value []byte, stages []string) (driver.Version, error) {
	if !utf8.Valid(value) {
		return driver.Version{}, fmt.Errorf("parameter %q: Parameter Store holds text only: %w", name, driver.ErrInvalid)
	}
	in := &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(string(value)),
		Type: types.ParameterTypeSecureString, Overwrite: aws.Bool(true), Tier: b.opts.Tier,
	}
	if b.opts.KeyID != "" {
		in.KeyId = aws.String(b.opts.KeyID)
	}
	out, err := b.api.PutParameter(ctx, in)
	if err != nil {
		return driver.Version{}, mapErr("PutParameter", err)
	}
	id := strconv.FormatInt(out.Version, 10)
	if out.Version == 1 && !slices.Contains(stages, driver.StageCurrent) {
		stages = append(slices.Clone(stages), driver.StageCurrent)
	}
	for _, s := range stages {
		if err := b.move(ctx, name, s, id); err != nil {
			return driver.Version{}, err
		}
	}
	return driver.Version{ID: id, Stages: stages, Created: time.Now()}, nil
}

// move attaches stage to version to, with previous following current.
func (b *Backend) move(ctx context.Context, name, stage, to string) error {
	if stage == driver.StageCurrent {
		vs, err := b.history(ctx, name)
		if err != nil {
			return err
		}
		if from := withStage(vs, stage); from != nil && from.ID != to {
			if err := b.label(ctx, name, driver.StagePrevious, from.number); err != nil {
				return err
			}
		}
	}
	n, err := strconv.ParseInt(to, 10, 64)
	if err != nil {
		return fmt.Errorf("parameter %q: version %q: %w", name, to, driver.ErrNotFound)
	}
	return b.label(ctx, name, stage, n)
}

func (b *Backend) label(ctx context.Context, name, stage string, n int64) error {
	out, err := b.api.LabelParameterVersion(ctx, &ssm.LabelParameterVersionInput{
		Name: aws.String(name), Labels: []string{stage}, ParameterVersion: aws.Int64(n),
	})
	if err != nil {
		return mapErr("LabelParameterVersion", err)
	}
	if len(out.InvalidLabels) > 0 {
		return fmt.Errorf("parameter %q: label %q refused: %w", name, stage, driver.ErrInvalid)
	}
	return nil
}

// MoveStage implements driver.Store.
func (b *Backend) MoveStage(ctx context.Context, name, stage, from, to string) error {
	if to != "" {
		return b.move(ctx, name, stage, to)
	}
	n, err := strconv.ParseInt(from, 10, 64)
	if err != nil {
		return fmt.Errorf("parameter %q: version %q: %w", name, from, driver.ErrNotFound)
	}
	if _, err := b.api.UnlabelParameterVersion(ctx, &ssm.UnlabelParameterVersionInput{
		Name: aws.String(name), Labels: []string{stage}, ParameterVersion: aws.Int64(n),
	}); err != nil {
		return mapErr("UnlabelParameterVersion", err)
	}
	return nil
}

// Versions implements driver.Store.
func (b *Backend) Versions(ctx context.Context, name string) ([]driver.Version, error) {
	vs, err := b.history(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []driver.Version
	for _, v := range vs {
		if len(v.Stages) > 0 {
			out = append(out, v.Version)
		}
	}
	return out, nil
}

// Delete implements driver.Store; Parameter Store has no recovery window.
func (b *Backend) Delete(ctx context.Context, name string, recovery time.Duration) error {
	if recovery != 0 {
		return fmt.Errorf("parameter %q: Parameter Store has no recovery window: %w", name, driver.ErrUnsupported)
	}
	if _, err := b.api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)}); err != nil {
		return mapErr("DeleteParameter", err)
	}
	return nil
}

// Close implements driver.Store; the client needs no closing.
func (b *Backend) Close() error { return nil }
