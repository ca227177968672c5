package lint

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Options tunes a Linter. The zero value is usable.
type Options struct {
	// AllowNames are variable names never taken for secrets by their name
	// (Dockle's --accept-key), compared case-insensitively, e.g.
	// "LICENSE_KEY" for a public license key. A value in a credential
	// format under such a name is still reported.
	AllowNames []string
	// Progress, if set, is called after each file Paths lints, with the
	// number of files done so far and the file's path.
	Progress func(done int, path string)
}

// Linter finds secrets leaked into Dockerfiles, compose files, env files
// and built images. It keeps no state between calls and is safe for
// concurrent use.
type Linter struct {
	names    nameJudge
	progress func(int, string)
}

// New returns a Linter.
func New(opts Options) *Linter {
	allow := make(map[string]bool, len(opts.AllowNames))
	for _, n := range opts.AllowNames {
		allow[strings.ToUpper(strings.TrimSpace(n))] = true
	}
	return &Linter{names: nameJudge{allow: allow}, progress: opts.Progress}
}

// Kind is the kind of file the linter reads.
type Kind int

// The kinds of file, as KindOf tells them by name.
const (
	KindUnknown Kind = iota
	// KindDockerfile: Dockerfile, Containerfile, Dockerfile.NAME,
	// NAME.Dockerfile.
	KindDockerfile
	// KindCompose: compose.yaml, docker-compose.yml and their variants
	// (docker-compose.prod.yml, NAME.compose.yaml), docker-stack.yml.
	KindCompose
	// KindEnv: .env, .env.NAME, NAME.env, .envrc.
	KindEnv
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindDockerfile:
		return "dockerfile"
	case KindCompose:
		return "compose"
	case KindEnv:
		return "env"
	}
	return "unknown"
}

// KindOf tells the kind of a file by its name.
func KindOf(name string) Kind {
	base := strings.ToLower(path.Base(filepath.ToSlash(name)))
	yml := strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")
	switch {
	case base == "dockerfile" || base == "containerfile" || strings.HasPrefix(base, "dockerfile.") ||
		strings.HasSuffix(base, ".dockerfile") || strings.HasSuffix(base, ".containerfile"):
		return KindDockerfile
	case yml && (strings.HasPrefix(base, "compose") || strings.HasPrefix(base, "docker-compose") ||
		strings.HasPrefix(base, "docker-stack") || strings.Contains(base, ".compose.") || strings.HasPrefix(base, "stack.")):
		return KindCompose
	case base == ".env" || base == ".envrc" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env"):
		return KindEnv
	}
	return KindUnknown
}

// File lints src as the kind KindOf(name) tells. A name of no known kind
// is an *InvalidError.
func (l *Linter) File(name string, src []byte) ([]Finding, error) {
	switch KindOf(name) {
	case KindDockerfile:
		return l.Dockerfile(name, src)
	case KindCompose:
		return l.Compose(name, src)
	case KindEnv:
		return l.EnvFile(name, src)
	}
	return nil, invalid(fmt.Sprintf("file %q", name), "", "not a Dockerfile, compose file or env file by its name")
}

// skipDirs are directories Paths does not descend into.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true, ".venv": true, "__pycache__": true}

// Paths lints the files at paths; a directory is walked (skipping .git,
// node_modules, vendor) and the files of a known kind in it are linted.
// A file named explicitly must be of a known kind. Resources use the
// paths as given, joined with the file's path in the directory. It stops
// with ctx's error when ctx is done.
func (l *Linter) Paths(ctx context.Context, paths ...string) ([]Finding, error) {
	var out []Finding
	done := 0
	lintOne := func(p string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("lint: %w", err)
		}
		f, err := l.File(p, src)
		if err != nil {
			return err
		}
		out = append(out, f...)
		done++
		if l.progress != nil {
			l.progress(done, p)
		}
		return nil
	}
	for _, root := range paths {
		fi, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("lint: %w", err)
		}
		if !fi.IsDir() {
			if err := lintOne(root); err != nil {
				return nil, err
			}
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && skipDirs[d.Name()] {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || KindOf(p) == KindUnknown {
				return nil
			}
			return lintOne(p)
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("lint: %s: %w", root, ctx.Err())
			}
			return nil, err
		}
	}
	return out, nil
}
