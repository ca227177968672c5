package inject

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/filestore"
	"github.com/opskit-dev/opskit/secrets/secretsmanager"
)

var (
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("inject: invalid reference")
	// ErrNotFound: a referenced secret, parameter, file or JSON key is missing.
	ErrNotFound = errors.New("inject: not found")
	// ErrNoBackend: a reference's scheme has no client configured.
	ErrNoBackend = errors.New("inject: no client for this scheme")
)

// GetParametersAPI reads up to ten parameters per call; *ssm.Client
// satisfies it.
type GetParametersAPI interface {
	GetParameters(context.Context, *ssm.GetParametersInput, ...func(*ssm.Options)) (*ssm.GetParametersOutput, error)
}

var _ GetParametersAPI = (*ssm.Client)(nil)

// Options configures a Resolver; nil clients leave their scheme unusable.
type Options struct {
	SecretsManager secretsmanager.GetSecretValueAPI
	SSM            GetParametersAPI
	// SwarmDir is where swarm:// secrets are read; "" is /run/secrets.
	SwarmDir string
	// Concurrency bounds concurrent GetSecretValue calls; 0 is 8.
	Concurrency int
}

// Resolver resolves references.
type Resolver struct{ opts Options }

// NewResolver returns a Resolver.
func NewResolver(opts Options) *Resolver {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	return &Resolver{opts: opts}
}

// Resolve returns the value of every reference in refs (keyed as refs
// is). All references are parsed before any call is made.
func (r *Resolver) Resolve(ctx context.Context, refs map[string]string) (map[string]secrets.Value, error) {
	parsed := map[string]Ref{}
	for k, s := range refs {
		ref, ok, err := ParseRef(s)
		if err != nil {
			return nil, fmt.Errorf("%w (%s)", err, k)
		}
		if !ok {
			return nil, &InvalidError{Ref: s, Reason: "not a reference (" + k + ")"}
		}
		parsed[k] = ref
	}
	raw := map[Ref][]byte{} // by reference without key
	var smNames, ssmNames []string
	for _, ref := range parsed {
		base := Ref{Scheme: ref.Scheme, Name: ref.Name}
		if _, seen := raw[base]; seen {
			continue
		}
		raw[base] = nil
		switch ref.Scheme {
		case SchemeSecretsManager:
			smNames = append(smNames, ref.Name)
		case SchemeSSM:
			ssmNames = append(ssmNames, ref.Name)
		}
	}
	defer func() {
		for _, b := range raw {
			clear(b)
		}
	}()
	if err := r.files(raw); err != nil {
		return nil, err
	}
	if err := r.secretsManager(ctx, smNames, raw); err != nil {
		return nil, err
	}
	if err := r.parameters(ctx, ssmNames, raw); err != nil {
		return nil, err
	}
	out := make(map[string]secrets.Value, len(parsed))
	for k, ref := range parsed {
		b := raw[Ref{Scheme: ref.Scheme, Name: ref.Name}]
		v, err := pick(b, ref)
		if err != nil {
			return nil, err
		}
		out[k] = secrets.NewValue(v)
	}
	return out, nil
}

// pick returns a copy of the value or of its JSON field.
func pick(b []byte, ref Ref) ([]byte, error) {
	if ref.Key == "" {
		return slices.Clone(b), nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, fmt.Errorf("inject: %s: the value is not a JSON object", ref)
	}
	f, ok := obj[ref.Key]
	if !ok {
		return nil, fmt.Errorf("inject: %s: %w: no key %q", ref, ErrNotFound, ref.Key)
	}
	var s string
	if json.Unmarshal(f, &s) == nil {
		return []byte(s), nil
	}
	return slices.Clone([]byte(f)), nil
}

func (r *Resolver) files(raw map[Ref][]byte) error {
	var swarm *filestore.Backend
	defer func() {
		if swarm != nil {
			_ = swarm.Close()
		}
	}()
	for ref := range raw {
		var (
			b   []byte
			err error
		)
		switch ref.Scheme {
		case SchemeFile:
			b, err = os.ReadFile(filepath.Clean(ref.Name))
		case SchemeSwarm:
			if swarm == nil {
				if swarm, err = filestore.Open(r.opts.SwarmDir); err != nil {
					return fmt.Errorf("inject: %s: %w", ref, err)
				}
			}
			_, b, err = swarm.Get(context.Background(), ref.Name, filestoreCurrent)
		default:
			continue
		}
		if err != nil {
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, secrets.ErrNotFound) {
				return fmt.Errorf("inject: %s: %w", ref, ErrNotFound)
			}
			return fmt.Errorf("inject: %s: %w", ref, err)
		}
		raw[ref] = b
	}
	return nil
}

func (r *Resolver) secretsManager(ctx context.Context, names []string, raw map[Ref][]byte) error {
	if len(names) == 0 {
		return nil
	}
	if r.opts.SecretsManager == nil {
		return fmt.Errorf("%w: %s", ErrNoBackend, SchemeSecretsManager)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, r.opts.Concurrency)
	)
	for _, n := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out, err := r.opts.SecretsManager.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(n)})
			mu.Lock()
			defer mu.Unlock()
			ref := Ref{Scheme: SchemeSecretsManager, Name: n}
			if err != nil {
				errs = append(errs, fmt.Errorf("inject: %s: %w", ref, err))
				cancel()
				return
			}
			if out.SecretBinary != nil {
				raw[ref] = out.SecretBinary
			} else {
				raw[ref] = []byte(aws.ToString(out.SecretString))
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (r *Resolver) parameters(ctx context.Context, names []string, raw map[Ref][]byte) error {
	if len(names) == 0 {
		return nil
	}
	if r.opts.SSM == nil {
		return fmt.Errorf("%w: %s", ErrNoBackend, SchemeSSM)
	}
	for batch := range slices.Chunk(names, 10) {
		out, err := r.opts.SSM.GetParameters(ctx, &ssm.GetParametersInput{Names: batch, WithDecryption: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("inject: ssm GetParameters: %w", err)
		}
		if len(out.InvalidParameters) > 0 {
			return fmt.Errorf("inject: ssm parameters %q: %w", out.InvalidParameters, ErrNotFound)
		}
		for _, p := range out.Parameters {
			raw[Ref{Scheme: SchemeSSM, Name: aws.ToString(p.Name)}] = []byte(aws.ToString(p.Value))
		}
	}
	return nil
}
