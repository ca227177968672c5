// Package accessfake is an in-memory access.Host: accounts, groups, files with
// modes and owners, sshd settings and package state, changed by the same
// operations and with the same rules as a real Debian host reached by
// access/sshhost. It passes the same conformance suite (access/accesstest),
// so automation built on access can be unit-tested against it.
//
// Its sshd has Match blocks (AddSSHDMatch) and a handshake offer derived
// from its settings; its apt state (SetPackages, UpgradePackages) starts
// with package lists and no packages. As Debian's useradd, it refuses to
// create a user named like an existing group, and keys in a home are
// written only where the user owns the home. Symlink, Chown and
// SetUnreachable act on it as a hostile user, an operator or a network
// failure would, and KeyFileReads counts what snapshots read; they back
// the suite's optional capabilities.
//
// It is for tests, not production.
//
// Limits: Match blocks match on user and client address only (not group,
// host name, local address or port); the handshake offer is derived from
// the Ciphers, MACs and KexAlgorithms settings with Debian 12's host keys
// and strict key exchange unless HostFacts.Offer is seeded; package state
// has no dependencies, pinning or phased updates, and only Debian-style
// origins mark security updates; sudoers drop-ins are checked against a
// small subset of sudoers syntax instead of visudo; a fresh fake has no
// system files or dotfiles (/etc/profile, ~/.bashrc, daemon.json) until a
// test writes them with WriteFile.
package accessfake

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/opskit-dev/opskit/access"
)

// Options seeds a fake host.
type Options struct {
	// RootAuthorizedKeys is root's authorized_keys content, if any.
	RootAuthorizedKeys []byte
	// SSHD is the effective sshd configuration (`sshd -T` keywords in lower
	// case); nil means Debian 12's defaults with root login by key only and
	// password authentication off.
	SSHD map[string][]string
	// Facts seeds the package and reboot state Facts reports (SSHD is taken
	// from the SSHD field).
	Facts access.HostFacts
}

// Host is an in-memory access.Host. It is safe for concurrent use.
type Host struct {
	name string
	mu   sync.Mutex
	accs []*account
	grps []*group
	// files and dirs are keyed by absolute path.
	files map[string]*access.File
	dirs  map[string]access.FileInfo
	// links are symbolic links a user planted, by path, to their target.
	links map[string]string
	// reads counts, by path, the snapshots that read a file's content.
	reads       map[string]int
	facts       access.HostFacts
	rootKeys    bool
	matches     []MatchBlock
	pkgs        *packageState
	unreachable bool
	closed      bool
}

// shells are the fake host's /etc/shells, as on Debian 12, and the no-login
// shells the SSH host also accepts.
var shells = []string{"/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/rbash", "/usr/bin/rbash", "/bin/dash", "/usr/bin/dash",
	"/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false"}

type account struct {
	name, home, shell, gecos string
	uid, gid                 int
	locked                   bool
	expires                  string
}

type group struct {
	name    string
	gid     int
	members []string
}

var _ access.Host = (*Host)(nil)

// New returns a fake Debian host with the usual system accounts.
func New(name string, opts Options) *Host {
	h := &Host{name: name, files: map[string]*access.File{}, dirs: map[string]access.FileInfo{}, links: map[string]string{}, reads: map[string]int{}}
	for _, a := range []account{
		{name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash", gecos: "root"},
		{name: "daemon", uid: 1, gid: 1, home: "/usr/sbin", shell: "/usr/sbin/nologin", gecos: "daemon"},
		{name: "bin", uid: 2, gid: 2, home: "/bin", shell: "/usr/sbin/nologin", gecos: "bin"},
		{name: "sys", uid: 3, gid: 3, home: "/dev", shell: "/usr/sbin/nologin", gecos: "sys"},
		{name: "nobody", uid: 65534, gid: 65534, home: "/nonexistent", shell: "/usr/sbin/nologin", gecos: "nobody"},
		{name: "sshd", uid: 100, gid: 65534, home: "/run/sshd", shell: "/usr/sbin/nologin"},
	} {
		a := a
		a.locked = a.name != "root"
		h.accs = append(h.accs, &a)
	}
	for _, g := range []group{{"root", 0, nil}, {"daemon", 1, nil}, {"bin", 2, nil}, {"sys", 3, nil}, {"adm", 4, nil}, {"sudo", 27, nil}, {"users", 100, nil}, {"nogroup", 65534, nil}} {
		g := g
		h.grps = append(h.grps, &g)
	}
	h.dirs["/root"] = access.FileInfo{Mode: 0o700, Owner: "root", Group: "root"}
	if opts.RootAuthorizedKeys != nil {
		h.dirs["/root/.ssh"] = access.FileInfo{Mode: 0o700, Owner: "root", Group: "root"}
		h.files["/root/.ssh/authorized_keys"] = &access.File{FileInfo: access.FileInfo{Mode: 0o600, Owner: "root", Group: "root"}, Content: append([]byte{}, opts.RootAuthorizedKeys...)}
	}
	h.facts = opts.Facts
	h.facts.SSHD = opts.SSHD
	if h.facts.SSHD == nil {
		h.facts.SSHD = DefaultSSHD()
	}
	if !opts.Facts.PackageLists && opts.Facts.Upgrades == nil && opts.Facts.UpgradesError == "" {
		// A freshly updated host: package lists present, nothing pending.
		h.pkgs = &packageState{lists: true}
	}
	return h
}

// DefaultSSHD returns the effective sshd settings of a Debian 12 host with
// root login by key only and password authentication off.
func DefaultSSHD() map[string][]string {
	return map[string][]string{
		"port":                            {"22"},
		"permitrootlogin":                 {"without-password"},
		"passwordauthentication":          {"no"},
		"kbdinteractiveauthentication":    {"no"},
		"permitemptypasswords":            {"no"},
		"pubkeyauthentication":            {"yes"},
		"usepam":                          {"yes"},
		"maxauthtries":                    {"6"},
		"x11forwarding":                   {"yes"},
		"allowtcpforwarding":              {"yes"},
		"hostbasedauthentication":         {"no"},
		"ignorerhosts":                    {"yes"},
		"permituserenvironment":           {"no"},
		"ciphers":                         {"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"},
		"macs":                            {"umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"},
		"kexalgorithms":                   {"sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"},
		"authorizedkeysfile":              {".ssh/authorized_keys .ssh/authorized_keys2"},
		"strictmodes":                     {"yes"},
		"logingracetime":                  {"120"},
		"challengeresponseauthentication": {"no"},
	}
}

// Name returns the host's name.
func (h *Host) Name() string { return h.name }

// Close marks the host closed; later calls fail.
func (h *Host) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	return nil
}

// SetUnreachable makes every call fail as if the host stopped answering,
// or answer again.
func (h *Host) SetUnreachable(down bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.unreachable = down
}

// SetSSHD replaces one effective sshd setting.
func (h *Host) SetSSHD(keyword string, values ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.facts.SSHD[strings.ToLower(keyword)] = values
}

// SetFacts replaces the package and reboot state (SSHD is kept). The
// package fields (PackageLists, Upgrades, UpgradesError) are reported as
// given, replacing any SetPackages state.
func (h *Host) SetFacts(f access.HostFacts) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f.SSHD = h.facts.SSHD
	h.facts = f
	h.pkgs = nil
}

// AddAccount adds an account opskit does not manage, as an administrator
// (or intruder) would, with optional authorized_keys content.
func (h *Host) AddAccount(name string, uid int, authorizedKeys []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := &account{name: name, uid: uid, gid: uid, home: "/home/" + name, shell: "/bin/sh", gecos: name}
	h.accs = append(h.accs, a)
	if h.findGroup(name) == nil {
		h.grps = append(h.grps, &group{name: name, gid: uid})
	}
	h.dirs[a.home] = access.FileInfo{Mode: 0o700, Owner: name, Group: name}
	if authorizedKeys != nil {
		_ = h.writeKeys(a, authorizedKeys) // its own home: cannot fail
	}
}

// File returns a copy of the file at p, or nil.
func (h *Host) File(p string) *access.File {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.files[p]
	if !ok {
		return nil
	}
	c := *f
	c.Content = append([]byte{}, f.Content...)
	return &c
}

func (h *Host) check(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return &access.HostError{Host: h.name, Op: op, Err: fmt.Errorf("%w: %w", access.ErrHost, err)}
	}
	if h.closed {
		return &access.HostError{Host: h.name, Op: op, Err: fmt.Errorf("%w: host closed", access.ErrHost)}
	}
	if h.unreachable {
		return &access.HostError{Host: h.name, Op: op, Err: fmt.Errorf("%w: host unreachable", access.ErrHost)}
	}
	return nil
}

func (h *Host) findAccount(name string) *account {
	for _, a := range h.accs {
		if a.name == name {
			return a
		}
	}
	return nil
}

func (h *Host) findGroup(name string) *group {
	for _, g := range h.grps {
		if g.name == name {
			return g
		}
	}
	return nil
}

func (h *Host) groupName(gid int) string {
	for _, g := range h.grps {
		if g.gid == gid {
			return g.name
		}
	}
	return fmt.Sprint(gid)
}

func (h *Host) nextID(used func(int) bool) int {
	for id := 1000; ; id++ {
		if !used(id) {
			return id
		}
	}
}

// Snapshot returns the accounts and managed files; with
// opts.SkipKeyFiles it reads nothing in any home (KeyFileReads stays as it
// was).
func (h *Host) Snapshot(ctx context.Context, opts access.SnapshotOptions) (*access.HostState, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(ctx, "snapshot"); err != nil {
		return nil, err
	}
	st := &access.HostState{}
	for _, a := range h.accs {
		acc := access.Account{Name: a.name, UID: a.uid, GID: a.gid, Home: a.home, Shell: a.shell,
			Managed: a.gecos == access.ManagedMarker, Locked: a.locked, Expires: a.expires}
		for _, g := range h.grps {
			for _, m := range g.members {
				if m == a.name {
					acc.Groups = append(acc.Groups, g.name)
				}
			}
		}
		sort.Strings(acc.Groups)
		acc.RootKeys = h.copyFile(access.RootKeysDir + "/" + a.name)
		acc.Sudoers = h.copyFile(access.SudoersPrefix + a.name)
		acc.Principals = h.copyFile(access.PrincipalsDir + "/" + a.name)
		if opts.SkipKeyFiles {
			st.Accounts = append(st.Accounts, acc)
			continue
		}
		acc.KeyFiles = h.keyFiles(a)
		if d, ok := h.dirs[a.home]; ok && a.home != "/" && (len(acc.KeyFiles) > 0 || canLogIn(a.shell)) && h.links[a.home] == "" {
			acc.HomeDir = &d
		}
		for _, kf := range acc.KeyFiles {
			switch {
			case kf.Path == a.home+"/.ssh" && kf.Type == "dir":
				d := kf.FileInfo
				acc.SSHDir = &d
			case kf.Path == a.home+"/.ssh/authorized_keys" && kf.Type == "file" && !kf.Truncated:
				acc.AuthorizedKeys = &access.File{FileInfo: kf.FileInfo, Content: kf.Content}
			}
		}
		st.Accounts = append(st.Accounts, acc)
	}
	if f := h.copyFile(access.CAKeysFile); f != nil {
		st.TrustedCAKeys = f.Content
	}
	if f := h.copyFile(access.RevokedKeysFile); f != nil {
		st.RevokedKeys = f.Content
	}
	st.RootKeysConfigured = h.rootKeys && h.findGroup(access.KeysGroup) != nil
	return st, nil
}

// keyFiles lists a's ~/.ssh and the files sshd's AuthorizedKeysFile names
// for it, as the SSH host reports them: links as links, content cut at
// access.MaxKeyFileSize.
func (h *Host) keyFiles(a *account) []access.KeyFile {
	paths := []string{a.home + "/.ssh"}
	for _, p := range strings.Fields(strings.Join(h.facts.SSHD["authorizedkeysfile"], " ")) {
		p = strings.NewReplacer("%%", "%", "%h", a.home, "%u", a.name).Replace(p)
		if !strings.HasPrefix(p, "/") {
			p = a.home + "/" + p
		}
		paths = append(paths, p)
	}
	var out []access.KeyFile
	for _, p := range paths {
		if t, ok := h.links[p]; ok {
			kf := access.KeyFile{Path: p, Type: "symlink", FileInfo: access.FileInfo{Mode: 0o777, Owner: a.name, Group: h.groupName(a.gid)}, Size: int64(len(t))}
			// Read through the link as the user: only a file the user may
			// read (its own, or one open to all) yields content.
			if f, ok := h.files[t]; ok && (f.Owner == a.name || f.Mode&0o004 != 0) {
				kf.Content = append([]byte{}, f.Content[:min(len(f.Content), access.MaxKeyFileSize)]...)
				h.reads[t]++
				kf.Truncated = len(f.Content) > access.MaxKeyFileSize
			}
			out = append(out, kf)
			continue
		}
		if d, ok := h.dirs[p]; ok {
			out = append(out, access.KeyFile{Path: p, Type: "dir", FileInfo: d})
			continue
		}
		f, ok := h.files[p]
		if !ok || h.underLink(p) {
			continue
		}
		kf := access.KeyFile{Path: p, Type: "file", FileInfo: f.FileInfo, Size: int64(len(f.Content))}
		c := f.Content
		if len(c) > access.MaxKeyFileSize {
			c, kf.Truncated = c[:access.MaxKeyFileSize], true
		}
		kf.Content = append([]byte{}, c...)
		h.reads[p]++
		out = append(out, kf)
	}
	return out
}

// underLink reports whether a directory above p is a planted link.
func (h *Host) underLink(p string) bool {
	for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
		if _, ok := h.links[d]; ok {
			return true
		}
	}
	return false
}

// KeyFileReads returns how many snapshots read the content of the file at
// p, as a key file or through a link to it (what accesstest.ReadWatcher
// asks of a harness).
func (h *Host) KeyFileReads(p string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reads[p]
}

// Symlink plants a symbolic link at p pointing at target, acting as user,
// as a hostile user would (what accesstest.UserActor asks of a harness). As on a
// real host, the user may only plant it inside a directory they own. The
// host then behaves as the SSH host does: opskit replaces a link at ~/.ssh
// with a directory, acting as the user, and never writes through it.
func (h *Host) Symlink(_ context.Context, user, p, target string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.dirs[path.Dir(p)]; !ok || d.Owner != user || h.underLink(p) {
		return fmt.Errorf("accessfake: %s: permission denied for %s", p, user)
	}
	h.removeTree(p)
	delete(h.files, p)
	h.links[p] = target
	return nil
}

// Chown gives p, a file or directory, to owner:group as root would,
// outside opskit (what accesstest.Chowner asks of a harness).
func (h *Host) Chown(_ context.Context, p, owner, group string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.dirs[p]; ok {
		d.Owner, d.Group = owner, group
		h.dirs[p] = d
		return nil
	}
	if f, ok := h.files[p]; ok {
		f.Owner, f.Group = owner, group
		return nil
	}
	return fmt.Errorf("accessfake: chown %s: no such file or directory", p)
}

// Chmod sets the permission bits of p, a file or directory, as its owner
// or root would outside opskit (a user opening their home to others).
func (h *Host) Chmod(_ context.Context, p string, mode fs.FileMode) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.dirs[p]; ok {
		d.Mode = mode & fs.ModePerm
		h.dirs[p] = d
		return nil
	}
	if f, ok := h.files[p]; ok {
		f.Mode = mode & fs.ModePerm
		return nil
	}
	return fmt.Errorf("accessfake: chmod %s: no such file or directory", p)
}

// canLogIn reports a shell other than the no-login ones, as the SSH host's
// snapshot decides whether to read a home.
func canLogIn(shell string) bool {
	return shell != "" && !strings.HasSuffix(shell, "/nologin") && !strings.HasSuffix(shell, "/false")
}

// WriteFile writes a file as its owner would (for example a user growing
// their authorized_keys past access.MaxKeyFileSize).
func (h *Host) WriteFile(p string, info access.FileInfo, content []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.links, p)
	h.files[p] = &access.File{FileInfo: info, Content: append([]byte{}, content...)}
}

func (h *Host) copyFile(p string) *access.File {
	f, ok := h.files[p]
	if !ok {
		return nil
	}
	c := *f
	c.Content = append([]byte{}, f.Content...)
	return &c
}

func rootOwned(mode fs.FileMode) access.FileInfo {
	return access.FileInfo{Mode: mode, Owner: "root", Group: "root"}
}

// Apply runs ops in order with the same rules as the SSH host's script.
func (h *Host) Apply(ctx context.Context, ops []access.Op) ([]access.OpResult, error) {
	for _, op := range ops {
		if err := op.Validate(); err != nil {
			return nil, err
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(ctx, "apply"); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, nil
	}
	res := make([]access.OpResult, len(ops))
	for i, op := range ops {
		res[i].Op = op
		if err := h.apply(op); err != nil {
			res[i].Err = &access.HostError{Op: op.String(), Err: err}
		}
	}
	return res, nil
}

func (h *Host) managed(name string) (*account, error) {
	a := h.findAccount(name)
	if a == nil {
		return nil, fmt.Errorf("%w: no such user", access.ErrHost)
	}
	if a.gecos != access.ManagedMarker {
		return nil, fmt.Errorf("%w: %s", access.ErrNotManaged, name)
	}
	return a, nil
}

func (h *Host) apply(op access.Op) error {
	switch op.Kind {
	case access.OpEnsureUser:
		if !slices.Contains(shells, op.Shell) {
			return fmt.Errorf("%w: shell %s is not in /etc/shells", access.ErrHost, op.Shell)
		}
		for _, g := range op.Groups {
			if h.findGroup(g) == nil {
				h.grps = append(h.grps, &group{name: g, gid: h.nextID(h.gidUsed)})
			}
		}
		a := h.findAccount(op.User)
		if a != nil {
			if a.gecos != access.ManagedMarker {
				return fmt.Errorf("%w: %s", access.ErrNotManaged, op.User)
			}
		} else {
			if h.findGroup(op.User) != nil {
				// As Debian's useradd with USERGROUPS_ENAB: it will not
				// create the user's own group over an existing one.
				return fmt.Errorf("%w: useradd: group %s exists - if you want to add this user to that group, use -g", access.ErrHost, op.User)
			}
			uid := h.nextID(func(id int) bool { return h.uidUsed(id) || h.gidUsed(id) })
			a = &account{name: op.User, uid: uid, gid: uid, home: "/home/" + op.User, gecos: access.ManagedMarker}
			h.accs = append(h.accs, a)
			h.grps = append(h.grps, &group{name: op.User, gid: uid})
			// Debian's useradd: HOME_MODE is unset, so UMASK 022 gives 0755.
			h.dirs[a.home] = access.FileInfo{Mode: 0o755, Owner: op.User, Group: op.User}
		}
		a.shell, a.expires, a.locked = op.Shell, op.Expires, false
		for _, g := range h.grps {
			g.members = remove(g.members, op.User)
			for _, want := range op.Groups {
				if g.name == want {
					g.members = append(g.members, op.User)
				}
			}
		}
	case access.OpSetKeys:
		a, err := h.managed(op.User)
		if err != nil {
			return err
		}
		return h.writeKeys(a, op.Content)
	case access.OpSetRootKeys:
		p := access.RootKeysDir + "/" + op.User
		if len(op.Content) == 0 {
			delete(h.files, p)
			return nil
		}
		if _, err := h.managed(op.User); err != nil {
			return err
		}
		h.dirs[access.RootKeysDir] = rootOwned(0o755)
		h.files[p] = &access.File{FileInfo: rootOwned(0o644), Content: append([]byte{}, op.Content...)}
	case access.OpConfigureRootKeys:
		if h.findGroup(access.KeysGroup) == nil {
			h.grps = append(h.grps, &group{name: access.KeysGroup, gid: h.nextSystemGID()})
		}
		h.dirs[access.RootKeysDir] = rootOwned(0o755)
		h.rootKeys = true
	case access.OpSetSudoers:
		p := access.SudoersPrefix + op.User
		if len(op.Content) == 0 {
			delete(h.files, p)
			return nil
		}
		if _, err := h.managed(op.User); err != nil {
			return err
		}
		if err := checkSudoers(op.Content); err != nil {
			return err
		}
		h.files[p] = &access.File{FileInfo: rootOwned(0o440), Content: append([]byte{}, op.Content...)}
	case access.OpRemoveUser:
		a := h.findAccount(op.User)
		if a == nil {
			return nil
		}
		if a.gecos != access.ManagedMarker {
			return fmt.Errorf("%w: %s", access.ErrNotManaged, op.User)
		}
		delete(h.files, access.SudoersPrefix+op.User)
		delete(h.files, access.PrincipalsDir+"/"+op.User)
		delete(h.files, access.RootKeysDir+"/"+op.User)
		h.removeTree(a.home)
		for i, x := range h.accs {
			if x == a {
				h.accs = append(h.accs[:i], h.accs[i+1:]...)
				break
			}
		}
		// As userdel with USERGROUPS_ENAB: the user leaves every group, and
		// its private group goes when nobody else is in it or has it as
		// primary group.
		h.grps = slices.DeleteFunc(h.grps, func(g *group) bool {
			g.members = remove(g.members, op.User)
			return g.name == op.User && g.gid == a.gid && len(g.members) == 0 &&
				!slices.ContainsFunc(h.accs, func(x *account) bool { return x.gid == g.gid })
		})
	case access.OpLockUser:
		a, err := h.managed(op.User)
		if err != nil {
			return err
		}
		a.locked, a.expires = true, "1970-01-02"
		delete(h.files, access.RootKeysDir+"/"+op.User)
		if !h.underLink(a.home + "/.ssh/authorized_keys") {
			delete(h.files, a.home+"/.ssh/authorized_keys")
		}
		delete(h.files, access.SudoersPrefix+op.User)
		delete(h.files, access.PrincipalsDir+"/"+op.User)
	case access.OpSetPrincipals:
		p := access.PrincipalsDir + "/" + op.User
		if len(op.Content) == 0 {
			delete(h.files, p)
			return nil
		}
		if _, err := h.managed(op.User); err != nil {
			return err
		}
		h.files[p] = &access.File{FileInfo: rootOwned(0o644), Content: append([]byte{}, op.Content...)}
	case access.OpTrustCA:
		h.files[access.CAKeysFile] = &access.File{FileInfo: rootOwned(0o644), Content: append([]byte{}, op.Content...)}
		if _, ok := h.files[access.RevokedKeysFile]; !ok {
			h.files[access.RevokedKeysFile] = &access.File{FileInfo: rootOwned(0o644), Content: []byte{}}
		}
		h.facts.SSHD["trustedusercakeys"] = []string{access.CAKeysFile}
		h.facts.SSHD["authorizedprincipalsfile"] = []string{access.PrincipalsDir + "/%u"}
		h.facts.SSHD["revokedkeys"] = []string{access.RevokedKeysFile}
	case access.OpSetRevokedKeys:
		h.files[access.RevokedKeysFile] = &access.File{FileInfo: rootOwned(0o644), Content: append([]byte{}, op.Content...)}
	}
	return nil
}

// writeKeys writes a's authorized_keys as the SSH host does, acting as the
// user: a link at ~/.ssh is removed, not followed, and a home the user
// does not own (with no ~/.ssh of theirs in it) cannot be written.
func (h *Host) writeKeys(a *account, content []byte) error {
	grp := h.groupName(a.gid)
	home, ok := h.dirs[a.home]
	if !ok {
		return fmt.Errorf("%w: home %s missing", access.ErrHost, a.home)
	}
	if d, ok := h.dirs[a.home+"/.ssh"]; home.Owner != a.name && (!ok || d.Owner != a.name || h.links[a.home+"/.ssh"] != "") {
		return fmt.Errorf("%w: cannot write %s/.ssh/authorized_keys as %s", access.ErrHost, a.home, a.name)
	}
	delete(h.links, a.home+"/.ssh")
	delete(h.links, a.home+"/.ssh/authorized_keys")
	h.dirs[a.home+"/.ssh"] = access.FileInfo{Mode: 0o700, Owner: a.name, Group: grp}
	h.files[a.home+"/.ssh/authorized_keys"] = &access.File{FileInfo: access.FileInfo{Mode: 0o600, Owner: a.name, Group: grp}, Content: append([]byte{}, content...)}
	return nil
}

// nextSystemGID is the next free group id below 1000, as groupadd -r picks.
func (h *Host) nextSystemGID() int {
	for id := 999; id > 100; id-- {
		if !h.gidUsed(id) {
			return id
		}
	}
	return h.nextID(h.gidUsed)
}

func (h *Host) removeTree(root string) {
	for p := range h.links {
		if p == root || strings.HasPrefix(p, root+"/") {
			delete(h.links, p)
		}
	}
	for p := range h.files {
		if p == root || strings.HasPrefix(p, root+"/") {
			delete(h.files, p)
		}
	}
	for p := range h.dirs {
		if p == root || strings.HasPrefix(p, root+"/") {
			delete(h.dirs, p)
		}
	}
}

func (h *Host) uidUsed(id int) bool {
	for _, a := range h.accs {
		if a.uid == id {
			return true
		}
	}
	return false
}

func (h *Host) gidUsed(id int) bool {
	for _, g := range h.grps {
		if g.gid == id {
			return true
		}
	}
	return false
}

func remove(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// sudoersLine is the subset of sudoers syntax the fake accepts: user
// specifications granting commands as (runas), optionally NOPASSWD.
var sudoersLine = regexp.MustCompile(`^[a-z_][a-z0-9_-]*\s+ALL\s*=\s*\(\s*ALL(\s*:\s*ALL)?\s*\)\s*(NOPASSWD:\s*)?(ALL|/[^\s,]+(\s*,\s*/[^\s,]+)*)$`)

// checkSudoers stands in for visudo -c: it rejects anything outside a
// small, valid subset of sudoers syntax.
func checkSudoers(content []byte) error {
	if content[len(content)-1] != '\n' {
		return fmt.Errorf("%w: sudoers drop-in rejected by visudo -c: no final newline", access.ErrHost)
	}
	for i, l := range strings.Split(strings.TrimSuffix(string(content), "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "#include") {
			continue
		}
		if !sudoersLine.MatchString(l) {
			return fmt.Errorf("%w: sudoers drop-in rejected by visudo -c: line %d", access.ErrHost, i+1)
		}
	}
	return nil
}
