package teamvault

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"filippo.io/age"
)

// Change is one entry whose readers differ from what the config and team
// file now give it.
type Change struct {
	// Entry is the entry's name.
	Entry string
	// Added and Removed are the keys gained and lost.
	Added, Removed []Reader

	want   []Reader
	recips []age.Recipient
	st     *stored
}

// Result is what Sync did.
type Result struct {
	// Changed are the entries re-encrypted, sorted by name.
	Changed []Change
	// Unchanged counts entries left byte for byte as they were.
	Unchanged int
	// Revoked lists, per member who lost a key's access, the entries
	// whose new versions that key no longer opens. Every one of those
	// entries needs its password rotated: see Warning.
	Revoked []Revocation
}

// Revocation is one member's lost access.
type Revocation struct {
	// Member is the member's name.
	Member string
	// Fingerprints are the member's keys that lost access.
	Fingerprints []string
	// Entries are the entries to rotate, sorted.
	Entries []string
}

// Warning says plainly what re-encryption cannot undo, or "" when no one
// lost access: old versions of each entry stay in git history, encrypted
// to the removed keys, so every password listed must be rotated.
func (r *Result) Warning() string {
	if len(r.Revoked) == 0 {
		return ""
	}
	var b strings.Builder
	for _, rv := range r.Revoked {
		fmt.Fprintf(&b, "%s's key %s no longer decrypts the new versions of %d entries, but their old versions stay in git history and that key still decrypts them; rotate these passwords: %s\n",
			rv.Member, strings.Join(rv.Fingerprints, ", "), len(rv.Entries), strings.Join(rv.Entries, ", "))
	}
	return b.String()
}

// Plan returns the entries whose readers differ from what the config and
// team file give them, without decrypting or writing anything. It fails
// on the first entry that has no readers or whose files were tampered
// with.
func (v *Vault) Plan(ctx context.Context) ([]Change, error) {
	names, err := v.Entries()
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		recips, want, err := v.recipients(name)
		if err != nil {
			return nil, err
		}
		st, err := v.load(name)
		if err != nil {
			return nil, err
		}
		if slices.Equal(st.readers, want) {
			continue
		}
		out = append(out, Change{Entry: name, Added: minus(want, st.readers), Removed: minus(st.readers, want), want: want, recips: recips, st: st})
	}
	return out, nil
}

// Sync re-encrypts every entry whose readers changed (a member added to or
// removed from a team, a rule, a key rotated, a member expired) so that
// exactly the members the config gives it can decrypt its new version.
// Entries whose readers did not change are not touched, so they produce
// no diff. id must decrypt every changed entry.
//
// Everything is checked first: readers computed, files verified, every
// changed entry decrypted and re-encrypted in memory, and the new files
// written beside the old ones; only then are they renamed into place. An
// error before that point leaves the vault unchanged.
func (v *Vault) Sync(ctx context.Context, id age.Identity) (*Result, error) {
	names, err := v.Entries()
	if err != nil {
		return nil, err
	}
	changes, err := v.Plan(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{Unchanged: len(names) - len(changes)}
	writes := make([]pendingWrite, 0, len(changes))
	for i, c := range changes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		plain, err := decrypt(c.st.armored, id)
		if err != nil {
			return nil, &EntryError{Entry: c.Entry, Op: "decrypt", Err: err}
		}
		w, err := v.encryptEntry(c.Entry, plain, c.recips, c.want)
		clear(plain)
		if err != nil {
			return nil, err
		}
		writes = append(writes, w)
		if v.opts.Progress != nil {
			v.opts.Progress(i+1, len(changes))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := commit(writes); err != nil {
		return nil, err
	}
	for i := range changes {
		changes[i].want, changes[i].recips, changes[i].st = nil, nil, nil
	}
	res.Changed = changes
	res.Revoked = revocations(changes)
	return res, nil
}

// minus returns the readers of a not in b.
func minus(a, b []Reader) []Reader {
	var out []Reader
	for _, r := range a {
		if !slices.Contains(b, r) {
			out = append(out, r)
		}
	}
	return out
}

func revocations(changes []Change) []Revocation {
	by := map[string]*Revocation{}
	for _, c := range changes {
		for _, r := range c.Removed {
			rv := by[r.Member]
			if rv == nil {
				rv = &Revocation{Member: r.Member}
				by[r.Member] = rv
			}
			if !slices.Contains(rv.Fingerprints, r.Fingerprint) {
				rv.Fingerprints = append(rv.Fingerprints, r.Fingerprint)
			}
			if !slices.Contains(rv.Entries, c.Entry) {
				rv.Entries = append(rv.Entries, c.Entry)
			}
		}
	}
	out := make([]Revocation, 0, len(by))
	for _, rv := range by {
		slices.Sort(rv.Fingerprints)
		slices.Sort(rv.Entries)
		out = append(out, *rv)
	}
	slices.SortFunc(out, func(a, b Revocation) int { return strings.Compare(a.Member, b.Member) })
	return out
}
