package access

import "slices"

// PrivilegedGroups are the groups whose members are root or close to it on
// a Debian or Ubuntu host: root and sudo/wheel/admin give root outright,
// shadow reads every password hash, disk reads and writes raw block
// devices, docker and lxd start containers that mount the host's root, adm
// reads every log. A team file may give a user one of them only by naming
// it in that user's privileged_groups, and the host audit reports every
// account in one.
var PrivilegedGroups = []string{"root", "sudo", "wheel", "admin", "shadow", "disk", "docker", "lxd", "adm", "kmem", "systemd-journal"}

// IsPrivilegedGroup reports whether g is one of PrivilegedGroups.
func IsPrivilegedGroup(g string) bool { return slices.Contains(PrivilegedGroups, g) }
