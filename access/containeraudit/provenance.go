package containeraudit

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/container"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/internal/audit"
)

// PublicRegistries are the public registries images may not come from
// when Options.AllowedRegistries is empty: anyone can publish there.
var PublicRegistries = []string{"docker.io", "ghcr.io", "quay.io", "gcr.io", "public.ecr.aws", "registry.k8s.io", "mcr.microsoft.com", "registry.gitlab.com"}

// imageID matches a content-addressed local image ID, which pins an image
// as a digest does.
var imageID = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// imageName returns the normalized repository name (docker.io/library/nginx)
// a container's image is known by: the reference it was created from or,
// when that was an image ID, the image's first repository digest or tag.
func (t *containerTarget) imageName(c container.InspectResponse) (reference.Named, error) {
	ref := ""
	if c.Config != nil {
		ref = c.Config.Image
	}
	if ref == "" || imageID.MatchString(ref) {
		img, err := t.image(c.Image)
		if err != nil {
			return nil, err
		}
		names := append(slices.Clone(img.repoDigests), img.repoTags...)
		if len(names) == 0 {
			return nil, fmt.Errorf("image %s has no repository name or digest: where it came from cannot be told", shortID(c.Image))
		}
		ref = names[0]
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return nil, fmt.Errorf("image reference %q: %w", ref, err)
	}
	return named, nil
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// localNote says when an image was never pulled or pushed (no repository
// digest): its name then only claims a registry; it was built or loaded on
// the host.
func (t *containerTarget) localNote(c container.InspectResponse) string {
	if img, err := t.image(c.Image); err == nil && len(img.repoDigests) == 0 {
		return "; the image has no repository digest: it was built or loaded on this host, not pulled"
	}
	return ""
}

// allowedBy reports whether name comes from one of the allowed registries
// or repository prefixes.
func allowedBy(name reference.Named, allowed []string) bool {
	full := name.Name()
	for _, a := range allowed {
		a = strings.TrimSuffix(a, "/")
		if full == a || strings.HasPrefix(full, a+"/") || reference.Domain(name) == a {
			return true
		}
	}
	return false
}

// pinned reports whether a container was created from an image pinned by
// content: name@sha256:... or an image ID.
func pinned(c container.InspectResponse) bool {
	if c.Config == nil {
		return false
	}
	if imageID.MatchString(c.Config.Image) {
		return true
	}
	ref, err := reference.ParseNormalizedNamed(c.Config.Image)
	if err != nil {
		return false
	}
	_, ok := ref.(reference.Canonical)
	return ok
}

// hasLabel reports whether c carries one of labels ("key" or "key=value").
func hasLabel(c container.InspectResponse, labels []string) bool {
	if c.Config == nil {
		return false
	}
	for _, l := range labels {
		k, v, withValue := strings.Cut(l, "=")
		if got, ok := c.Config.Labels[k]; ok && (!withValue || got == v) {
			return true
		}
	}
	return false
}

func provenanceCheckers() []audit.Checker[*containerTarget] {
	tags := []string{"docker", "container", "supply-chain"}
	registry := access.Check{ID: "access.container.image_registry", Title: "container image comes from a registry that is not allowed", Severity: access.SeverityHigh,
		Remediation: access.Remediation{Text: "Pull images only from the team's own registries (Options.AllowedRegistries); mirror public images there after review."},
		References:  []string{"CIS Docker Benchmark 4.2", "Dockle CIS-DI-0002"}, Tags: tags}
	pin := access.Check{ID: "access.container.image_not_pinned", Title: "production container image is not pinned by digest", Severity: access.SeverityMedium,
		Remediation: access.Remediation{Text: "Deploy name@sha256:DIGEST (docker inspect --format '{{index .RepoDigests 0}}' IMAGE), so a re-pushed tag cannot change what runs."},
		References:  []string{"CIS Docker Benchmark 4.x (image provenance)"}, Tags: tags}
	return []audit.Checker[*containerTarget]{
		{Check: registry, Func: func(_ context.Context, t *containerTarget) ([]access.Finding, error) {
			var out []access.Finding
			for _, c := range t.containers {
				res := containerResource(c)
				name, err := t.imageName(c)
				switch {
				case err != nil:
					out = append(out, registry.Fail(res, err.Error()))
				case len(t.opts.AllowedRegistries) > 0 && !allowedBy(name, t.opts.AllowedRegistries):
					out = append(out, registry.Fail(res, fmt.Sprintf("image %s is from %s, not from %s%s", name.Name(), reference.Domain(name), strings.Join(t.opts.AllowedRegistries, ", "), t.localNote(c))))
				case len(t.opts.AllowedRegistries) == 0 && slices.Contains(PublicRegistries, reference.Domain(name)):
					out = append(out, registry.Fail(res, fmt.Sprintf("image %s is from the public registry %s (no Options.AllowedRegistries)%s", name.Name(), reference.Domain(name), t.localNote(c))))
				default:
					out = append(out, registry.Pass(res))
				}
			}
			return out, nil
		}},
		{Check: pin, Func: func(_ context.Context, t *containerTarget) ([]access.Finding, error) {
			var out []access.Finding
			for _, c := range t.containers {
				if len(t.opts.ProductionLabels) > 0 && !hasLabel(c, t.opts.ProductionLabels) {
					continue
				}
				res := containerResource(c)
				if pinned(c) {
					out = append(out, pin.Pass(res))
				} else {
					ref := ""
					if c.Config != nil {
						ref = c.Config.Image
					}
					out = append(out, pin.Fail(res, fmt.Sprintf("created from %q, a tag that can be re-pushed", ref)))
				}
			}
			return out, nil
		}},
	}
}
