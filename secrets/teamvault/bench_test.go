package teamvault_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/teamvault"
)

// BenchmarkVaultRemoveMember re-encrypts 1,000 entries after a member is
// removed: alice (ed25519, the operator), bob (RSA 2048, removed) and
// carol (ed25519) read every entry. The peer, age-cli, does the same by
// hand with Debian's age: decrypt each file with alice's key and encrypt
// it again to the remaining keys, one pair of processes per entry.
func BenchmarkVaultRemoveMember(b *testing.B) {
	const entries = 1000
	ctx := context.Background()
	alice, bob, carol := newKey(b, "ed25519"), newKey(b, "rsa2048"), newKey(b, "ed25519")
	all := []member{
		{name: "alice", teams: []string{"dba"}, keys: []key{alice}},
		{name: "bob", teams: []string{"dba"}, keys: []key{bob}},
		{name: "carol", teams: []string{"dba"}, keys: []key{carol}},
	}
	tmpl := b.TempDir()
	writeFile(b, filepath.Join(tmpl, "team.yaml"), teamYAML(all...))
	writeFile(b, filepath.Join(tmpl, teamvault.ConfigFile), vaultYAML)
	v := mustOpen(b, tmpl)
	for i := range entries {
		if err := v.Put(ctx, fmt.Sprintf("db/pw%04d", i), secrets.NewValue([]byte(fmt.Sprintf("password-%d", i)))); err != nil {
			b.Fatal(err)
		}
	}
	without := teamYAML(all[0], all[2])
	fresh := func(b *testing.B) string {
		b.Helper()
		dir := filepath.Join(b.TempDir(), "v")
		if out, err := exec.Command("cp", "-a", tmpl, dir).CombinedOutput(); err != nil {
			b.Fatalf("cp: %v %s", err, out)
		}
		writeFile(b, filepath.Join(dir, "team.yaml"), without)
		return dir
	}

	b.Run("opskit", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			dir := fresh(b)
			b.StartTimer()
			res, err := mustOpen(b, dir).Sync(ctx, alice.id)
			if err != nil || len(res.Changed) != entries {
				b.Fatalf("Sync: %v", err)
			}
		}
	})
	b.Run("age-cli", func(b *testing.B) {
		ageBin := ageCLI(b)
		keys := b.TempDir()
		writeFile(b, filepath.Join(keys, "alice"), string(alice.pem))
		os.Chmod(filepath.Join(keys, "alice"), 0o600)
		writeFile(b, filepath.Join(keys, "recipients"), alice.line+"\n"+carol.line+"\n")
		script := `set -e
for f in "$1"/entries/db/*.age; do
	"$2" -d -i "$3/alice" "$f" | "$2" -e -a -R "$3/recipients" -o "$f.new"
	mv "$f.new" "$f"
done`
		for b.Loop() {
			b.StopTimer()
			dir := fresh(b)
			b.StartTimer()
			if out, err := exec.Command("bash", "-c", script, "reencrypt", dir, ageBin, keys).CombinedOutput(); err != nil {
				b.Fatalf("age loop: %v %s", err, out)
			}
		}
	})
}
