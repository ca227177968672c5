package containeraudit

import (
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/internal/audit"
)

// mountGrade says how bad a bind mount of a host path is, read-write and
// read-only.
type mountGrade int

const (
	gradeNone mountGrade = iota
	// gradeSystem: host system files, readable without secrets.
	gradeSystem
	// gradeSecrets: readable secrets (shadow hashes, SSH and TLS keys).
	gradeSecrets
	// gradeFull: control of the host.
	gradeFull
)

// sensitivePrefix is a host path whose bind mount is graded: anything
// below it is as sensitive as the path itself, and a mount of a directory
// above it (/var holds /var/lib/docker) exposes it too.
type sensitivePrefix struct {
	path   string
	rw, ro mountGrade
	exact  bool // only the path itself ("/"), not what is below it
}

// sensitivePrefixes are the host paths the mount checks grade (CIS Docker
// 5.6 and more). Read-only, /etc, /root and /home still give away secrets,
// /dev still gives devices (a read-only mount does not stop writes to a
// device node), and /run and /var/run still give the daemons' sockets (a
// read-only mount does not stop a connect to the Docker socket).
var sensitivePrefixes = []sensitivePrefix{
	{path: "/", exact: true, rw: gradeFull, ro: gradeSecrets},
	{path: "/etc", rw: gradeFull, ro: gradeSecrets},
	{path: "/root", rw: gradeFull, ro: gradeSecrets},
	{path: "/dev", rw: gradeFull, ro: gradeFull},
	{path: "/proc", rw: gradeFull, ro: gradeSystem},
	{path: "/sys", rw: gradeFull, ro: gradeSystem},
	{path: "/boot", rw: gradeFull, ro: gradeSystem},
	{path: "/lib", rw: gradeFull, ro: gradeSystem},
	{path: "/usr", rw: gradeFull, ro: gradeSystem},
	{path: "/var/lib/docker", rw: gradeFull, ro: gradeSecrets},
	{path: "/run", rw: gradeFull, ro: gradeFull},
	{path: "/var/run", rw: gradeFull, ro: gradeFull},
	{path: "/home", exact: true, rw: gradeFull, ro: gradeSecrets}, // all homes: every user's keys
}

// gradeMount grades one bind mount; the Docker socket is left to the
// docker_socket check.
func gradeMount(m container.MountPoint) mountGrade {
	if m.Type != "bind" || strings.Contains(m.Source, "docker.sock") {
		return gradeNone
	}
	src := m.Source
	if src != "/" {
		src = strings.TrimSuffix(src, "/")
	}
	best := gradeNone
	for _, p := range sensitivePrefixes {
		under := src == p.path || !p.exact && strings.HasPrefix(src, p.path+"/")
		above := src != "/" && strings.HasPrefix(p.path, src+"/")
		if !under && !above {
			continue
		}
		g := p.ro
		if m.RW {
			g = p.rw
		}
		best = max(best, g)
	}
	return best
}

func mountChecker(c access.Check, want mountGrade) audit.Checker[*containerTarget] {
	return perContainer(c, func(ct container.InspectResponse) string {
		var ev []string
		for _, m := range ct.Mounts {
			if gradeMount(m) == want {
				mode := "read-only"
				if m.RW {
					mode = "read-write"
				}
				ev = append(ev, fmt.Sprintf("mounts %s %s at %s", m.Source, mode, m.Destination))
			}
		}
		return strings.Join(ev, "; ")
	})
}

func mountCheckers() []audit.Checker[*containerTarget] {
	tags := []string{"cis", "docker", "container"}
	return []audit.Checker[*containerTarget]{
		mountChecker(access.Check{ID: "access.container.sensitive_mount", Title: "container mounts a sensitive host path read-write, or /dev", Severity: access.SeverityHigh,
			Remediation: access.Remediation{Text: "Do not bind-mount host system paths (/, /etc, /root, /home, /dev, /proc, /sys, /boot, /lib, /usr, /var/lib/docker, /run, /var/run) or a directory above one of them read-write, nor /dev, /run or /var/run at all; mount only what the workload needs, read-only."},
			References:  []string{"CIS Docker Benchmark 5.6"}, Tags: tags}, gradeFull),
		mountChecker(access.Check{ID: "access.container.sensitive_mount_secrets", Title: "container mounts a host path holding secrets read-only", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: "Do not mount /, /etc, /root, /home or /var/lib/docker (or a directory above them) even read-only: shadow hashes, SSH keys and TLS keys are readable; mount the one file needed."},
			References:  []string{"CIS Docker Benchmark 5.6"}, Tags: tags}, gradeSecrets),
		mountChecker(access.Check{ID: "access.container.sensitive_mount_system", Title: "container mounts a host system path read-only", Severity: access.SeverityLow,
			Remediation: access.Remediation{Text: "Avoid mounting /proc, /sys, /boot, /lib or /usr from the host; they reveal the host's kernel and software to the container."},
			References:  []string{"CIS Docker Benchmark 5.6"}, Tags: tags}, gradeSystem),
	}
}
