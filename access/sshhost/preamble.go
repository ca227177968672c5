package sshhost

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/opskit-dev/opskit/access"
)

var (
	//go:embed host.sh
	hostScript string
	//go:embed deledit/editor.sh
	deleditEditor string
	//go:embed deledit/common.awk
	deleditCommon string
	//go:embed deledit/drop.awk
	deleditDrop string
	//go:embed deledit/group.awk
	deleditGroup string
	//go:embed deledit/gshadow.awk
	deleditGshadow string
	//go:embed deledit/subid.awk
	deleditSubid string
)

// script is what runs on a host: the preamble, then host.sh.
var script = preamble() + hostScript

// preamble sets, as shell variables, the paths and names of package access
// that host.sh uses (one definition for the script, the parser and the fake
// host) and the vipw editor with its awk programs, each as the text of its
// own file. Every value is a constant of this repository; none contains a
// single quote or the end marker of its here-document.
func preamble() string {
	var b strings.Builder
	b.WriteString("# Preamble from access/sshhost/preamble.go.\n")
	for _, v := range [][2]string{
		{"MARK", access.ManagedMarker},
		{"CAFILE", access.CAKeysFile},
		{"REVOKED", access.RevokedKeysFile},
		{"PRINCIPALS", access.PrincipalsDir},
		{"DROPIN", access.CADropIn},
		{"KEYSTORE", access.RootKeysDir},
		{"KEYSCONF", access.KeysDropIn},
		{"KEYSGROUP", access.KeysGroup},
		{"SUDOERS", access.SudoersPrefix},
		{"MAXKEYS", fmt.Sprint(access.MaxKeyFileSize)},
		{"PROBE_ADDRS", strings.Join(access.SSHDProbeAddrs, " ")},
		{"DOCKERCONF", access.DockerDaemonConfigFile},
		{"DOCKERGROUP", access.DockerGroup},
		{"MAXENV", fmt.Sprint(access.MaxEnvFileSize)},
		{"SYSENV", strings.Join(access.SystemEnvFiles, " ")},
		{"USERENV", strings.Join(access.UserEnvFiles, " ")},
		{"ENVVAR", access.EnvFileVariable},
	} {
		fmt.Fprintf(&b, "%s=\"%s\"\n", v[0], v[1])
	}
	for _, v := range [][2]string{
		{"KEYSWANT", access.KeysDropInContent},
		{"DELEDIT_EDITOR", deleditEditor},
		{"DELEDIT_COMMON", deleditCommon},
		{"DELEDIT_DROP", deleditDrop},
		{"DELEDIT_GROUP", deleditGroup},
		{"DELEDIT_GSHADOW", deleditGshadow},
		{"DELEDIT_SUBID", deleditSubid},
	} {
		fmt.Fprintf(&b, "%s=$(cat <<\"EOF_%s\"\n%s\nEOF_%s\n)\n", v[0], v[0], strings.TrimSuffix(v[1], "\n"), v[0])
	}
	return b.String()
}
