package access

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Target is one host and the host groups it belongs to.
type Target struct {
	Host   Host
	Groups []string
}

// RevokeMode says what revoking does to an account.
type RevokeMode int

const (
	// RevokeRemove deletes the account and its home (userdel -r).
	RevokeRemove RevokeMode = iota
	// RevokeLock locks the account, expires it and removes its keys and
	// sudo rights, keeping the home for forensics.
	RevokeLock
)

// KeyStore says where a managed user's authorized keys live on a host.
type KeyStore int

const (
	// KeysRootOwned, the default and the recommended store, keeps every
	// managed user's keys in a root-owned file, RootKeysDir/USER (0644),
	// and makes sshd read only that file for them (an sshd drop-in,
	// "Match Group opskit-keys", checked by sshd -t; every managed user is
	// put in KeysGroup). A user cannot add a key opskit does not know,
	// nothing is ever written inside a home, and revoking deletes one
	// root-owned file. Accounts opskit does not manage, root included,
	// keep reading their own files.
	KeysRootOwned KeyStore = iota
	// KeysInHome keeps keys in ~/.ssh/authorized_keys. The host writes and
	// reads them with the user's own uid and gid, never as root, so links
	// or races inside the home reach nothing the user could not reach
	// anyway; but the user owns the file and can add keys of their own
	// between runs, which only the next audit or grant sees.
	KeysInHome
)

func (k KeyStore) String() string {
	switch k {
	case KeysRootOwned:
		return "root-owned"
	case KeysInHome:
		return "in-home"
	}
	return fmt.Sprintf("KeyStore(%d)", int(k))
}

// DefaultConcurrency is Options.Concurrency when it is zero: 64 hosts at
// once, chosen from the measured cost of a grant (figures in the README):
// a host takes about 30 times longer in wall time than it costs the
// controller in CPU, so 64 hosts in flight keep about two controller cores
// busy, and a large run is limited by the controller's CPU rather than by
// the bound.
const DefaultConcurrency = 64

// Options configures a Provisioner.
type Options struct {
	// Concurrency bounds how many hosts are worked on at once; default
	// DefaultConcurrency. A host costs the controller a little CPU (c, mostly
	// the SSH handshake and encryption) and takes longer in wall time (D,
	// HostResult.Duration, mostly the host's own work and the network), so
	// a controller with N cores keeps about N×D/c hosts busy before its CPU,
	// not the bound, limits the run: measure D and c on a few hosts of your
	// fleet and set Concurrency near N×D/c. Going higher only queues on the
	// controller's CPU; go lower to spare what the hosts share (a jump host's
	// MaxStartups and MaxSessions, a directory server, a package mirror).
	Concurrency int
	// HostTimeout bounds all work on one host; default 2 minutes. A host
	// that stops answering fails with its own error when it runs out.
	HostTimeout time.Duration
	// Revoke chooses between removing and locking revoked accounts.
	Revoke RevokeMode
	// Keys chooses where keys are kept; the zero value is KeysRootOwned.
	Keys KeyStore
	// Now is the clock for expiry dates; default time.Now.
	Now func() time.Time
	// Progress, when set, is called as each host finishes.
	Progress func(HostResult)
}

// Provisioner grants, revokes and reconciles access from a team file on
// many hosts at once. It is safe for concurrent use.
type Provisioner struct {
	opts Options
}

// NewProvisioner returns a Provisioner.
func NewProvisioner(opts Options) (*Provisioner, error) {
	if opts.Concurrency < 0 || opts.HostTimeout < 0 {
		return nil, &InvalidError{Input: "Options", Field: "Concurrency, HostTimeout", Reason: "must not be negative", Err: ErrInvalidOption}
	}
	if opts.Keys != KeysRootOwned && opts.Keys != KeysInHome {
		return nil, &InvalidError{Input: "Options", Field: "Keys", Reason: fmt.Sprintf("%d is not a KeyStore", opts.Keys), Err: ErrInvalidOption}
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.HostTimeout == 0 {
		opts.HostTimeout = 2 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Provisioner{opts: opts}, nil
}

// Change is one planned change on a host.
type Change struct {
	// User is the account changed ("" for host-wide changes).
	User string
	// What says what changes, e.g. "create user", "update authorized_keys".
	What string
	// Op is the operation that makes it.
	Op Op
}

func (c Change) String() string {
	if c.User == "" {
		return c.What
	}
	return c.User + ": " + c.What
}

// HostResult is what happened on one host.
type HostResult struct {
	// Host is the host's name.
	Host string
	// Changes are the planned changes; in a dry run nothing was applied.
	Changes []Change
	// Applied reports that Changes were sent to the host.
	Applied bool
	// Err is the host's error: unreachable, a timeout, or the ops that
	// failed (joined), each naming the host.
	Err error
	// Duration is how long the host took.
	Duration time.Duration
}

// Changed reports whether the host needed any change.
func (r HostResult) Changed() bool { return len(r.Changes) > 0 }

// Result gathers the per-host results of one run, in target order.
type Result struct {
	Hosts []HostResult
}

// Err joins every host's error, nil when all hosts succeeded.
func (r *Result) Err() error {
	var errs []error
	for _, h := range r.Hosts {
		if h.Err != nil {
			errs = append(errs, h.Err)
		}
	}
	return errors.Join(errs...)
}

// Changed reports whether any host needed a change.
func (r *Result) Changed() bool {
	for _, h := range r.Hosts {
		if h.Changed() {
			return true
		}
	}
	return false
}

// Summary is one line per host: "host: no change", "host: 3 changes" or
// "host: error ...".
func (r *Result) Summary() string {
	var b strings.Builder
	for _, h := range r.Hosts {
		switch {
		case h.Err != nil:
			fmt.Fprintf(&b, "%s: error: %v\n", h.Host, h.Err)
		case !h.Changed():
			fmt.Fprintf(&b, "%s: no change\n", h.Host)
		case !h.Applied:
			fmt.Fprintf(&b, "%s: %d changes planned\n", h.Host, len(h.Changes))
		default:
			fmt.Fprintf(&b, "%s: %d changes applied\n", h.Host, len(h.Changes))
		}
	}
	return b.String()
}

// mode selects what a run does.
type mode int

const (
	modeGrant mode = iota
	modeReconcile
	modeRevoke
)

// Plan is a dry run of Reconcile: each host's changes, nothing applied.
func (p *Provisioner) Plan(ctx context.Context, tf *TeamFile, targets []Target) (*Result, error) {
	return p.run(ctx, tf, targets, modeReconcile, nil, true)
}

// Grant creates or updates every user the team file lets into each
// target's host groups; it removes nobody. A second run with the same team
// file changes nothing and says so.
func (p *Provisioner) Grant(ctx context.Context, tf *TeamFile, targets []Target) (*Result, error) {
	return p.run(ctx, tf, targets, modeGrant, nil, false)
}

// Reconcile grants like Grant and also revokes every account opskit
// manages that the team file no longer lets in (removed or expired users).
func (p *Provisioner) Reconcile(ctx context.Context, tf *TeamFile, targets []Target) (*Result, error) {
	return p.run(ctx, tf, targets, modeReconcile, nil, false)
}

// Revoke removes (or locks, per Options.Revoke) the named users on every
// target where opskit manages them.
func (p *Provisioner) Revoke(ctx context.Context, users []string, targets []Target) (*Result, error) {
	for _, u := range users {
		if err := ValidateUserName(u); err != nil {
			return nil, err
		}
	}
	return p.run(ctx, nil, targets, modeRevoke, users, false)
}

func (p *Provisioner) run(ctx context.Context, tf *TeamFile, targets []Target, m mode, revoke []string, dry bool) (*Result, error) {
	// Everything that can be checked without a host is checked first, so bad
	// input is rejected before anything is applied anywhere.
	desired := make([][]Grant, len(targets))
	names := map[string]bool{}
	for i, t := range targets {
		if t.Host == nil {
			return nil, &InvalidError{Input: fmt.Sprintf("target #%d", i+1), Field: "Host", Reason: "nil", Err: ErrInvalidOption}
		}
		if names[t.Host.Name()] {
			return nil, &InvalidError{Input: fmt.Sprintf("target #%d", i+1), Field: "Host", Reason: fmt.Sprintf("host %s listed twice", t.Host.Name()), Err: ErrInvalidOption}
		}
		names[t.Host.Name()] = true
		if tf != nil {
			us, err := tf.GrantsFor(t.Groups, p.opts.Now())
			if err != nil {
				return nil, &HostError{Host: t.Host.Name(), Op: "plan", Err: err}
			}
			desired[i] = us
		}
	}
	res := &Result{Hosts: make([]HostResult, len(targets))}
	sem := make(chan struct{}, p.opts.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				res.Hosts[i] = HostResult{Host: t.Host.Name(), Err: &HostError{Host: t.Host.Name(), Err: ctx.Err()}}
				return
			}
			defer func() { <-sem }()
			hr := p.host(ctx, t.Host, desired[i], m, revoke, dry)
			res.Hosts[i] = hr
			if p.opts.Progress != nil {
				mu.Lock()
				p.opts.Progress(hr)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return res, nil
}

// host works on one host. hr is a named result so that the deferred
// function sets the Duration of the result the caller receives.
func (p *Provisioner) host(ctx context.Context, h Host, desired []Grant, m mode, revoke []string, dry bool) (hr HostResult) {
	start := time.Now()
	hr = HostResult{Host: h.Name()}
	defer func() { hr.Duration = time.Since(start) }()
	ctx, cancel := context.WithTimeout(ctx, p.opts.HostTimeout)
	defer cancel()
	st, err := h.Snapshot(ctx, p.snapshotOptions(m))
	if err != nil {
		hr.Err = hostErr(h, "snapshot", err)
		return hr
	}
	var changes []Change
	var conflicts []error
	if m == modeRevoke {
		changes = p.planRevoke(st, revoke)
		for _, name := range revoke {
			if a := st.Account(name); a != nil && !a.Managed {
				conflicts = append(conflicts, fmt.Errorf("%w: %s", ErrNotManaged, name))
			}
		}
	} else {
		changes, conflicts = p.planGrant(st, desired)
		if m == modeReconcile {
			keep := map[string]bool{}
			for _, g := range desired {
				keep[g.User.Name] = true
			}
			var gone []string
			for _, a := range st.Accounts {
				if a.Managed && !keep[a.Name] {
					gone = append(gone, a.Name)
				}
			}
			changes = append(changes, p.planRevoke(st, gone)...)
		}
	}
	hr.Changes = changes
	if len(conflicts) > 0 {
		hr.Err = &HostError{Host: h.Name(), Op: "plan", Err: errors.Join(conflicts...)}
	}
	if dry || len(changes) == 0 {
		return hr
	}
	ops := make([]Op, len(changes))
	for i, c := range changes {
		ops[i] = c.Op
	}
	results, err := h.Apply(ctx, ops)
	hr.Applied = true
	if err != nil {
		hr.Err = errors.Join(hr.Err, hostErr(h, "apply", err))
		return hr
	}
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, hostErr(h, r.Op.String(), r.Err))
		}
	}
	if len(errs) > 0 {
		hr.Err = errors.Join(append([]error{hr.Err}, errs...)...)
	}
	return hr
}

// snapshotOptions says what a run in mode m reads. Only two decisions look
// inside homes: whether keys in a home are right (a grant with KeysInHome)
// and whether a locked account still has ~/.ssh/authorized_keys (revoking
// with RevokeLock); every other run skips the key files, which on an SSH
// host saves a process chain per account.
func (p *Provisioner) snapshotOptions(m mode) SnapshotOptions {
	grants := m != modeRevoke && p.opts.Keys == KeysInHome
	locks := m != modeGrant && p.opts.Revoke == RevokeLock
	return SnapshotOptions{SkipKeyFiles: !grants && !locks}
}

// hostErr makes err name h, unless it already does.
func hostErr(h Host, op string, err error) error {
	var he *HostError
	if errors.As(err, &he) {
		if he.Host == "" {
			he.Host = h.Name()
		}
		return err
	}
	return &HostError{Host: h.Name(), Op: op, Err: err}
}

// AuthorizedKeysContent is the authorized_keys file opskit writes for u.
func AuthorizedKeysContent(u *User) []byte {
	var b bytes.Buffer
	b.WriteString("# managed by opskit: changes here are overwritten\n")
	for _, k := range u.Keys {
		b.WriteString(k.AuthorizedLine())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// SudoersContent is the sudoers drop-in opskit writes for a user with sudo.
func SudoersContent(name string) []byte {
	return []byte("# managed by opskit\n" + name + " ALL=(ALL:ALL) NOPASSWD: ALL\n")
}

func (p *Provisioner) planGrant(st *HostState, desired []Grant) ([]Change, []error) {
	var changes []Change
	var conflicts []error
	rootOwned := p.opts.Keys == KeysRootOwned
	if rootOwned && len(desired) > 0 && !st.RootKeysConfigured {
		changes = append(changes, Change{What: "make sshd read managed users' keys from " + RootKeysDir, Op: Op{Kind: OpConfigureRootKeys}})
	}
	for _, g := range desired {
		u := g.User
		a := st.Account(u.Name)
		if a != nil && !a.Managed {
			conflicts = append(conflicts, fmt.Errorf("%w: %s", ErrNotManaged, u.Name))
			continue
		}
		groups := slices.Clone(u.Groups)
		if rootOwned {
			groups = append(groups, KeysGroup)
		}
		sort.Strings(groups)
		groups = slices.Compact(groups)
		expires := ""
		if !u.Expires.IsZero() {
			expires = u.Expires.Format("2006-01-02")
		}
		ensure := Op{Kind: OpEnsureUser, User: u.Name, Shell: u.Shell, Groups: groups, Expires: expires, AllowPrivileged: slices.Clone(u.PrivilegedGroups)}
		switch {
		case a == nil:
			changes = append(changes, Change{User: u.Name, What: "create user", Op: ensure})
		case a.Shell != u.Shell || !slices.Equal(a.Groups, groups) || a.Expires != expires || a.Locked:
			changes = append(changes, Change{User: u.Name, What: "update user (shell, groups, expiry or lock)", Op: ensure})
		}
		keys := AuthorizedKeysContent(u)
		switch {
		case rootOwned && (a == nil || !rootKeysOK(a.RootKeys, keys)):
			changes = append(changes, Change{User: u.Name, What: "write " + RootKeysDir + "/" + u.Name, Op: Op{Kind: OpSetRootKeys, User: u.Name, Content: keys}})
		case !rootOwned && (a == nil || !keysOK(a, keys)):
			changes = append(changes, Change{User: u.Name, What: "write authorized_keys", Op: Op{Kind: OpSetKeys, User: u.Name, Content: keys}})
		case !rootOwned && a.RootKeys != nil:
			changes = append(changes, Change{User: u.Name, What: "remove " + RootKeysDir + "/" + u.Name, Op: Op{Kind: OpSetRootKeys, User: u.Name}})
		}
		var sudo []byte
		if g.Sudo {
			sudo = SudoersContent(u.Name)
		}
		have := a != nil && a.Sudoers != nil
		switch {
		case sudo != nil && (!have || !bytes.Equal(a.Sudoers.Content, sudo) || a.Sudoers.Mode != 0o440 || a.Sudoers.Owner != "root"):
			changes = append(changes, Change{User: u.Name, What: "install sudoers drop-in", Op: Op{Kind: OpSetSudoers, User: u.Name, Content: sudo}})
		case sudo == nil && have:
			changes = append(changes, Change{User: u.Name, What: "remove sudoers drop-in", Op: Op{Kind: OpSetSudoers, User: u.Name}})
		}
	}
	return changes, conflicts
}

// keysOK reports that ~/.ssh/authorized_keys holds want, is the user's
// and open to nobody else, and ~/.ssh is the user's and writable by nobody
// else (a 0755 ~/.ssh, which sshd accepts, is left alone).
func keysOK(a *Account, want []byte) bool {
	d, f := a.SSHDir, a.AuthorizedKeys
	return d != nil && f != nil && bytes.Equal(f.Content, want) &&
		d.Mode&0o022 == 0 && d.Owner == a.Name && f.Mode&0o077 == 0 && f.Owner == a.Name
}

func rootKeysOK(f *File, want []byte) bool {
	return f != nil && bytes.Equal(f.Content, want) && f.Mode == 0o644 && f.Owner == "root"
}

func (p *Provisioner) planRevoke(st *HostState, users []string) []Change {
	var changes []Change
	for _, name := range users {
		a := st.Account(name)
		if a == nil || !a.Managed {
			// Absent: nothing to do. Not ours: never touched.
			continue
		}
		if p.opts.Revoke == RevokeLock {
			if a.Locked && a.AuthorizedKeys == nil && a.RootKeys == nil && a.Sudoers == nil && a.Principals == nil {
				continue
			}
			changes = append(changes, Change{User: name, What: "lock user", Op: Op{Kind: OpLockUser, User: name}})
			continue
		}
		changes = append(changes, Change{User: name, What: "remove user", Op: Op{Kind: OpRemoveUser, User: name}})
	}
	return changes
}
