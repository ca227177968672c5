package lint

import (
	"context"
	"fmt"
	"regexp"
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

var (
	// nopPrefix is the classic builder's prefix for metadata steps.
	nopPrefix = regexp.MustCompile(`^/bin/sh -c #\(nop\)\s*`)
	// buildArgsPrefix is "|N NAME=value ... " before a RUN command, the
	// build arguments the step used.
	buildArgsPrefix = regexp.MustCompile(`^\|(\d+)\s+`)
	// historyCopy is a COPY or ADD step; group 1 is the destination in
	// the classic builder's "COPY file:abc in /dest" form.
	historyCopy = regexp.MustCompile(`^(?:COPY|ADD)\s+(?:.*\sin\s+(\S+)|(.*))`)
)

// historyEntry judges one CreatedBy line.
func (l *Linter) historyEntry(createdBy string) ([]string, []secretText) {
	s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(createdBy), "# buildkit"))
	s = nopPrefix.ReplaceAllString(s, "")
	var kinds []string
	var secrets []secretText
	if m := buildArgsPrefix.FindStringSubmatch(s); m != nil {
		s = s[len(m[0]):]
		var n int
		fmt.Sscanf(m[1], "%d", &n)
		for ; n > 0; n-- {
			word, rest, _ := strings.Cut(s, " ")
			s = rest
			k, v, _ := strings.Cut(word, "=")
			if spans, in := l.names.judgeVar(k, v); len(spans) > 0 {
				kinds = appendUnique(kinds, "build argument "+k+": "+strings.Join(kindsOf(spans), ", "))
				secrets = append(secrets, secretsOf(spans, in)...)
			} else if l.names.class(k) == nameSecret && v != "" {
				kinds = appendUnique(kinds, "build argument "+k)
				secrets = append(secrets, secretText{s: v})
			}
		}
	}
	switch {
	case strings.HasPrefix(s, "ENV "), strings.HasPrefix(s, "LABEL "), strings.HasPrefix(s, "ARG "):
		instr, rest, _ := strings.Cut(s, " ")
		for _, kv := range splitPairs(rest) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			if spans, in := l.names.judgeVar(unquote(k), v); len(spans) > 0 {
				kinds = appendUnique(kinds, instr+" "+unquote(k)+": "+strings.Join(kindsOf(spans), ", "))
				secrets = append(secrets, secretsOf(spans, in)...)
			}
		}
	case historyCopy.MatchString(s):
		m := historyCopy.FindStringSubmatch(s)
		paths := strings.Fields(m[2])
		if m[1] != "" {
			paths = []string{m[1]}
		}
		for _, p := range paths {
			if strings.HasPrefix(p, "--") {
				continue
			}
			if kind, ok := credentialFile(p); ok {
				kinds = appendUnique(kinds, kind+" "+p)
			}
		}
	default:
		spans := findInCommand(s, l.names)
		kinds = appendUnique(kinds, kindsOf(spans)...)
		secrets = append(secrets, secretsOf(spans, s)...)
	}
	return kinds, secrets
}

// splitPairs splits `A=b "C D"="e f" G='h'` into its pairs, keeping
// quoted spaces.
func splitPairs(s string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == ' ' || c == '\t':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteByte(c)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
