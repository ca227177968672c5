package teamvault_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/teamvault"
)

const canary = "CANARY-2b7c41e0-do-not-print"

// TestVaultCanary runs the vault's public paths on an entry holding the
// canary and checks that no result, error or file outside the ciphertext
// shows it, the way secrets.TestCanary checks the stores.
func TestVaultCanary(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var sink bytes.Buffer
	add := func(parts ...any) {
		for _, p := range parts {
			if err, ok := p.(error); ok && err != nil {
				sink.WriteString(err.Error())
				continue
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				fmt.Fprintf(&sink, verb+"\n", p)
			}
			j, _ := json.Marshal(p)
			sink.Write(j)
			slog.New(slog.NewTextHandler(&sink, nil)).Info("x", "v", p)
		}
	}
	v := mustOpen(t, f.dir)
	val := secrets.NewValue([]byte(canary))
	add(v.Put(ctx, "db/canary", val))
	add(v.Put(ctx, "db/big", secrets.NewValue([]byte(strings.Repeat(canary, (1<<20)/len(canary)+1)))))
	got, err := v.Get(ctx, "db/canary", f.alice.id)
	if got.Reveal() != canary {
		t.Fatalf("Get = wrong value (%v)", err)
	}
	add(got, &got, err)
	_, err = v.Get(ctx, "db/canary", f.carol.id) // carol is not in dba
	add(err)
	f.setTeam(t, f.members[0], f.members[2])
	v = mustOpen(t, f.dir)
	plan, err := v.Plan(ctx)
	add(plan, err)
	_, err = v.Sync(ctx, f.carol.id) // cannot decrypt db/*
	add(err)
	res, err := v.Sync(ctx, f.alice.id)
	add(res, err, res.Warning())
	// Tampered ciphertext: the error must not quote what it decrypted.
	b, _ := os.ReadFile(v.Path("db/canary"))
	lines := strings.Split(string(b), "\n")
	l := []byte(lines[len(lines)-3])
	l[3] ^= 1
	lines[len(lines)-3] = string(l)
	os.WriteFile(v.Path("db/canary"), []byte(strings.Join(lines, "\n")), 0o644)
	_, err = v.Get(ctx, "db/canary", f.alice.id)
	add(err)
	filepath.Walk(f.dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			sink.Write(b)
		}
		return nil
	})

	if sink.Len() == 0 || !strings.Contains(sink.String(), teamvault.ErrNoAccess.Error()[len("teamvault: "):]) {
		t.Fatal("the sink did not collect the error paths")
	}
	if i := bytes.Index(sink.Bytes(), []byte(canary)); i >= 0 {
		t.Fatalf("canary leaked at byte %d of %d of collected output", i, sink.Len())
	}
}
