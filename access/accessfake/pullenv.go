package accessfake

import (
	"bytes"
	"path"
	"sort"

	"github.com/opskit-dev/opskit/access"
)

// pullEnv fills what governs image pulls as the SSH host reads it: the
// daemon's configuration, the system-wide environment files, and root's
// and the docker group members' own files, each only if that user could
// read it. The caller holds h.mu.
func (h *Host) pullEnv(f *access.HostFacts) {
	f.DockerDaemonConfig, f.PullUsers, f.LoginEnv = nil, nil, nil
	if c := h.copyFile(access.DockerDaemonConfigFile); c != nil {
		f.DockerDaemonConfig = c.Content
	}
	for _, pattern := range access.SystemEnvFiles {
		var paths []string
		for p := range h.files {
			if ok, _ := path.Match(pattern, p); ok {
				paths = append(paths, p)
			}
		}
		sort.Strings(paths)
		for _, p := range paths {
			f.LoginEnv = append(f.LoginEnv, access.EnvFile{Path: p, Content: h.envContent(p)})
		}
	}
	users := []string{"root"}
	if g := h.findGroup(access.DockerGroup); g != nil {
		users = append(users, g.members...)
	}
	for _, u := range users {
		a := h.findAccount(u)
		if a == nil {
			continue
		}
		f.PullUsers = append(f.PullUsers, u)
		for _, n := range access.UserEnvFiles {
			p := path.Join(a.home, n)
			file, ok := h.files[p]
			if !ok || h.links[p] != "" || u != "root" && file.Owner != u && file.Mode&0o004 == 0 {
				continue
			}
			f.LoginEnv = append(f.LoginEnv, access.EnvFile{User: u, Path: p, Content: h.envContent(p)})
		}
	}
}

// envContent is what the SSH host's script sends of p: the lines of its
// first MaxEnvFileSize bytes that mention access.EnvFileVariable, each
// ending in a newline, as grep prints them.
func (h *Host) envContent(p string) []byte {
	c := h.files[p].Content
	c = c[:min(len(c), access.MaxEnvFileSize)]
	out := []byte{}
	for _, l := range bytes.SplitAfter(c, []byte("\n")) {
		if bytes.Contains(l, []byte(access.EnvFileVariable)) {
			out = append(out, l...)
			if !bytes.HasSuffix(l, []byte("\n")) {
				out = append(out, '\n') // grep ends every line it prints
			}
		}
	}
	return out
}
