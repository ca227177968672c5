// Package teamvault keeps a team's shared passwords in a git repository,
// each entry encrypted with age (filippo.io/age) to the SSH keys of the
// members allowed to read it, so a member decrypts with their own SSH
// private key (`age -d -i ~/.ssh/id_ed25519 entries/NAME.age` works too).
//
// Hold a *Vault, made by Open over a directory holding vault.yaml (see
// Config): the team file it reads members from, in the YAML shape the
// access package reads (teams, and users with their keys and teams; the
// vault parses it itself), and rules giving entries, by name pattern, to
// teams and users. Put encrypts an entry to its readers (no identity
// needed), Get decrypts one, Delete removes one, Plan lists what the
// config and team file would change, and Sync re-encrypts every entry
// whose readers changed.
//
// # Adding and removing members
//
// Edit the team file (or vault.yaml), Open again and Sync. An added
// member can read every entry their teams and rules give them from the
// new version on. A removed member, a dropped key or an expired member
// cannot decrypt the new versions, but every old version stays in the
// repository's history, encrypted to their key: Result.Revoked lists the
// entries per member and Result.Warning says it plainly, because those
// passwords must be rotated (changed at their source, then Put).
//
// # Files
//
// Each entry NAME is two files under entries/: NAME.age, armored age
// encrypted to one recipient per reader key (ssh-ed25519 or ssh-rsa of at
// least 2048 bits; other key types are listed in Member.Skipped), and
// NAME.readers, one sorted "member type fingerprint" line per key, so a
// diff shows who gained or lost access. Sync rewrites only entries whose
// readers changed; the others stay byte for byte, so they make no diff.
// Reading checks that the age header's recipients are exactly the keys
// NAME.readers lists and that the ciphertext authenticates; anything else
// is ErrTampered. Writes go to temporary files that are renamed into place
// only when every file of the operation is written.
//
// Limits: age does not sign, so anyone who can push to the repository can
// replace an entry with a value of their choosing encrypted to the right
// keys; review changes to entries/ as you review code. The recipient check
// compares the 4-byte key tags age writes in its header with the .readers
// file: it catches edits and mistakes, not someone who grinds a key whose
// tag collides with a member's. Passphrase-protected
// SSH keys are not read by ParseIdentity. Keys named as github:USER in the
// team file are not fetched.
package teamvault
