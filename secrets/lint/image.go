package lint

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/moby/moby/client"
)

// ImageAPI is the part of the Docker Engine API the image lint reads: the
// image config (Env, Labels) and its history. *client.Client implements
// it; a registry client or a fake can too.
type ImageAPI interface {
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	ImageHistory(ctx context.Context, image string, opts ...client.ImageHistoryOption) (client.ImageHistoryResult, error)
}

var _ ImageAPI = (*client.Client)(nil)

// Image lints a built image as the engine api holds it: the config's Env
// and Labels, and every history entry (docker history --no-trunc), which
// records ENV and LABEL values, build arguments used by RUN ("|1
// TOKEN=... /bin/sh -c ...") and command lines, from both the classic
// builder and BuildKit. Resources name the image ref and the place:
// "image REF env NAME", "image REF history 3" (0 is the newest layer),
// "image REF label NAME". It returns a failing finding per place or one
// passing finding per check for the image.
func (l *Linter) Image(ctx context.Context, api ImageAPI, ref string) ([]Finding, error) {
	if strings.TrimSpace(ref) == "" || strings.ContainsAny(ref, " \t\n") {
		return nil, invalid("image reference", "", "want a name, name:tag or id")
	}
	ins, err := api.ImageInspect(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("lint: inspect image %q: %w", ref, err)
	}
	hist, err := api.ImageHistory(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("lint: history of image %q: %w", ref, err)
	}
	var h hits
	var places []string
	place := func(p string) int { places = append(places, p); return len(places) - 1 }
	if cfg := ins.Config; cfg != nil {
		for _, kv := range cfg.Env {
			k, v, _ := strings.Cut(kv, "=")
			if spans, in := l.names.judgeVar(k, v); len(spans) > 0 {
				h.add(checkImageEnv, place("env "+k), k+"="+in, kindsOf(spans), secretsOf(spans, in))
			}
		}
		keys := make([]string, 0, len(cfg.Labels))
		for k := range cfg.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if spans, in := l.names.judgeVar(k, cfg.Labels[k]); len(spans) > 0 {
				h.add(checkImageLabel, place("label "+k), k+"="+in, kindsOf(spans), secretsOf(spans, in))
			}
		}
	}
	for i, item := range hist.Items {
		if kinds, secrets := l.historyEntry(item.CreatedBy); len(kinds) > 0 {
			h.add(checkImageHistory, place(fmt.Sprintf("history %d", i)), item.CreatedBy, kinds, secrets)
		}
	}
	name := "image " + ref
	return h.findings(name, imageChecks, func(i int) string { return name + " " + places[i] }), nil
}
