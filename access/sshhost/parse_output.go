package sshhost

import (
	"strings"

	"github.com/opskit-dev/opskit/access"
)

// ParseAptSimulation parses the "Inst" lines of `apt-get -s upgrade`.
func ParseAptSimulation(out string) []access.PackageUpgrade {
	var ups []access.PackageUpgrade
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "Inst ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		u := access.PackageUpgrade{Name: f[0]}
		if i := strings.Index(rest, "("); i >= 0 {
			inner := strings.TrimSuffix(strings.TrimSpace(rest[i+1:]), ")")
			pf := strings.Fields(inner)
			if len(pf) > 0 {
				u.Version = pf[0]
			}
			if len(pf) > 1 {
				u.Origin = strings.TrimSuffix(pf[1], ",")
			}
		}
		u.Security = strings.Contains(strings.ToLower(rest), "-security") || strings.Contains(rest, "Debian-Security")
		ups = append(ups, u)
	}
	return ups
}

// ParseSSHDConfig parses `sshd -T` output into lowercase keyword → values.
func ParseSSHDConfig(out string) map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, _ := strings.Cut(line, " ")
		k = strings.ToLower(k)
		m[k] = append(m[k], strings.TrimSpace(v))
	}
	return m
}
