package swarm

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/driver"
)

// Labels the backend keeps on each swarm secret.
const (
	LabelName    = "opskit.secret"
	LabelVersion = "opskit.secret.version"
	LabelStages  = "opskit.secret.stages"
)

// Backend implements secrets/driver.Store over swarm secrets.
type Backend struct{ api API }

var _ driver.Store = (*Backend)(nil)

// New returns a backend over api (usually *client.Client).
func New(api API) *Backend { return &Backend{api: api} }

// NewStore returns a *secrets.Store over api.
func NewStore(api API) *secrets.Store { return secrets.New(New(api), secrets.Options{}) }

// Swarm's rule for names, with room for "-vN".
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,52}$`)

type version struct {
	driver.Version
	n    int
	spec swarm.Secret
}

func (b *Backend) list(ctx context.Context, name string) ([]version, error) {
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("swarm secret %q: names are 1-53 letters, digits and _.- : %w", name, driver.ErrInvalid)
	}
	res, err := b.api.SecretList(ctx, client.SecretListOptions{Filters: client.Filters{}.Add("label", LabelName+"="+name)})
	if err != nil {
		return nil, fmt.Errorf("swarm secret %q: list: %w", name, err)
	}
	var out []version
	for _, s := range res.Items {
		n, err := strconv.Atoi(s.Spec.Labels[LabelVersion])
		if err != nil || s.Spec.Labels[LabelName] != name {
			continue
		}
		var stages []string
		if l := s.Spec.Labels[LabelStages]; l != "" {
			stages = strings.Split(l, ",")
		}
		out = append(out, version{Version: driver.Version{ID: strconv.Itoa(n), Stages: stages, Created: s.CreatedAt}, n: n, spec: s})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("swarm secret %q: %w", name, driver.ErrNotFound)
	}
	slices.SortFunc(out, func(a, b version) int { return a.n - b.n })
	return out, nil
}

// Get implements driver.Store: the Engine API does not return data.
func (b *Backend) Get(context.Context, string, driver.Ref) (driver.Version, []byte, error) {
	return driver.Version{}, nil, fmt.Errorf("swarm secrets are read in the service, from /run/secrets: %w", driver.ErrUnsupported)
}

// Put implements driver.Store.
func (b *Backend) Put(ctx context.Context, name string, value []byte, stages []string) (driver.Version, error) {
	vs, err := b.list(ctx, name)
	if err != nil && !errors.Is(err, driver.ErrNotFound) {
		return driver.Version{}, err
	}
	n := 1
	if len(vs) > 0 {
		n = vs[len(vs)-1].n + 1
	} else if !slices.Contains(stages, driver.StageCurrent) {
		stages = append(slices.Clone(stages), driver.StageCurrent)
	}
	spec := swarm.SecretSpec{
		Annotations: swarm.Annotations{Name: fmt.Sprintf("%s-v%d", name, n), Labels: map[string]string{
			LabelName: name, LabelVersion: strconv.Itoa(n), LabelStages: "",
		}},
		Data: value,
	}
	if _, err := b.api.SecretCreate(ctx, client.SecretCreateOptions{Spec: spec}); err != nil {
		return driver.Version{}, fmt.Errorf("swarm secret %q: create version %d: %w", name, n, err)
	}
	id := strconv.Itoa(n)
	for _, s := range stages {
		if err := b.move(ctx, name, s, id); err != nil {
			return driver.Version{}, err
		}
	}
	return driver.Version{ID: id, Stages: stages, Created: time.Now()}, nil
}

// setStages rewrites one version's stage label; a version left with none
// is removed unless a service still uses it.
func (b *Backend) setStages(ctx context.Context, v version, stages []string) error {
	spec := v.spec.Spec
	labels := map[string]string{}
	for k, val := range spec.Labels {
		labels[k] = val
	}
	labels[LabelStages] = strings.Join(stages, ",")
	spec.Labels, spec.Data = labels, nil
	if _, err := b.api.SecretUpdate(ctx, v.spec.ID, client.SecretUpdateOptions{Version: v.spec.Version, Spec: spec}); err != nil {
		return fmt.Errorf("swarm secret %q: update labels: %w", spec.Name, err)
	}
	if len(stages) == 0 {
		// Fails while a service uses it: it then stays, unlisted.
		_, _ = b.api.SecretRemove(ctx, v.spec.ID, client.SecretRemoveOptions{})
	}
	return nil
}

// move attaches stage to version to ("" removes it), with previous
// following current.
func (b *Backend) move(ctx context.Context, name, stage, to string) error {
	vs, err := b.list(ctx, name)
	if err != nil {
		return err
	}
	var from, target *version
	for i := range vs {
		if slices.Contains(vs[i].Stages, stage) {
			from = &vs[i]
		}
		if vs[i].ID == to {
			target = &vs[i]
		}
	}
	if to != "" && target == nil {
		return fmt.Errorf("swarm secret %q: version %q: %w", name, to, driver.ErrNotFound)
	}
	if from == target {
		return nil
	}
	if target != nil {
		if err := b.setStages(ctx, *target, append(slices.Clone(target.Stages), stage)); err != nil {
			return err
		}
	}
	if from != nil {
		if stage == driver.StageCurrent {
			// previous first, so the version keeps a stage throughout.
			if err := b.move(ctx, name, driver.StagePrevious, from.ID); err != nil {
				return err
			}
			if vs, err = b.list(ctx, name); err != nil {
				return err
			}
			for i := range vs {
				if vs[i].ID == from.ID {
					from = &vs[i]
				}
			}
		}
		return b.setStages(ctx, *from, slices.DeleteFunc(slices.Clone(from.Stages), func(s string) bool { return s == stage }))
	}
	return nil
}

// MoveStage implements driver.Store.
func (b *Backend) MoveStage(ctx context.Context, name, stage, _, to string) error {
	return b.move(ctx, name, stage, to)
}

// Versions implements driver.Store.
func (b *Backend) Versions(ctx context.Context, name string) ([]driver.Version, error) {
	vs, err := b.list(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []driver.Version
	for _, v := range vs {
		if len(v.Stages) > 0 {
			out = append(out, v.Version)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("swarm secret %q: %w", name, driver.ErrNotFound)
	}
	return out, nil
}

// Delete implements driver.Store: every version is removed; swarm has no
// recovery window.
func (b *Backend) Delete(ctx context.Context, name string, recovery time.Duration) error {
	if recovery != 0 {
		return fmt.Errorf("swarm secret %q: swarm has no recovery window: %w", name, driver.ErrUnsupported)
	}
	vs, err := b.list(ctx, name)
	if err != nil {
		return err
	}
	var errs []error
	for _, v := range vs {
		if _, err := b.api.SecretRemove(ctx, v.spec.ID, client.SecretRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("swarm secret %q: remove %s: %w", name, v.spec.Spec.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Close implements driver.Store; the client is the caller's.
func (b *Backend) Close() error { return nil }
