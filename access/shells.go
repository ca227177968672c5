package access

import "slices"

// LoginShells are the shells a team file may give a user without saying
// more: Debian 12's /etc/shells as installed (sh, bash, rbash and dash,
// under /bin and /usr/bin) and the login shells Debian's zsh, fish, ksh,
// mksh, tcsh and csh packages add to it. Any other path needs
// allow_unlisted_shell: true on that user. Hosts additionally check their
// own /etc/shells before they set a shell.
var LoginShells = []string{
	"/bin/sh", "/usr/bin/sh",
	"/bin/bash", "/usr/bin/bash",
	"/bin/rbash", "/usr/bin/rbash",
	"/bin/dash", "/usr/bin/dash",
	"/bin/zsh", "/usr/bin/zsh",
	"/usr/bin/fish",
	"/bin/ksh93", "/usr/bin/ksh93", "/bin/ksh", "/usr/bin/ksh",
	"/bin/mksh", "/usr/bin/mksh",
	"/bin/tcsh", "/usr/bin/tcsh",
	"/bin/csh", "/usr/bin/csh",
}

// IsLoginShell reports whether s is one of LoginShells.
func IsLoginShell(s string) bool { return slices.Contains(LoginShells, s) }
