package secrets_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/envelope"
	"github.com/opskit-dev/opskit/secrets/filestore"
	"github.com/opskit-dev/opskit/secrets/inject"
	"github.com/opskit-dev/opskit/secrets/rotation"
	"github.com/opskit-dev/opskit/secrets/rotation/pgrotate"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

// canaryPaths runs the public paths of the subpackages that hold values
// with the canary, feeding every result and error to sink.
func canaryPaths(ctx context.Context, sink *canarySink, dir string) {
	// Envelope: a sealed canary, opened with the wrong context, tampered.
	keys, _ := envelope.NewLocalKeys(map[string][]byte{"k": bytes.Repeat([]byte{7}, 32)})
	msg, err := envelope.Seal(ctx, keys, "k", map[string]string{"app": "x"}, []byte(canary))
	sink.add(err)
	sink.Write(msg)
	_, err = envelope.Open(ctx, keys, map[string]string{"app": "y"}, msg)
	sink.add(err)
	bad := bytes.Clone(msg)
	bad[len(bad)-3] ^= 1
	_, err = envelope.Open(ctx, keys, map[string]string{"app": "x"}, bad)
	sink.add(err)

	// Rotation and PostgreSQL credentials: malformed values and a failing
	// target.
	_, _, err = pgrotate.ParseCredentials(secrets.NewValue([]byte(`{"username": "` + canary)))
	sink.add(err)
	_, _, err = pgrotate.ParseCredentials(secrets.NewValue([]byte(`["` + canary + `"]`)))
	sink.add(err)
	s := secretsfake.NewStore()
	_, _ = s.Put(ctx, "db", secrets.NewValue([]byte(canary)), secrets.PutOptions{})
	_, err = rotation.New(s, pgrotate.NewSingleUser("postgres://127.0.0.1:1/x"), rotation.Options{}).Rotate(ctx, "db")
	sink.add(err)
	_, _ = s.Put(ctx, "db", pgrotate.Credentials("u", canary), secrets.PutOptions{})
	_, err = rotation.New(s, pgrotate.NewSingleUser("postgres://127.0.0.1:1/x"), rotation.Options{}).Rotate(ctx, "db")
	sink.add(err)

	// Files and injection: a value that is not the JSON asked for, a
	// missing key, and the resolved values themselves.
	_ = os.WriteFile(filepath.Join(dir, "plain"), []byte(canary), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "json"), []byte(`{"k":"`+canary+`"}`), 0o600)
	fs, err := filestore.OpenStore(dir)
	sink.add(err)
	got, err := fs.Get(ctx, "plain")
	sink.add(got, err)
	r := inject.NewResolver(inject.Options{SwarmDir: dir})
	for _, ref := range []string{"swarm://plain#k", "swarm://json#nope", "file://" + filepath.Join(dir, "json") + "#nope"} {
		_, err = r.Resolve(ctx, map[string]string{"X": ref})
		sink.add(err)
	}
	vals, err := r.Resolve(ctx, map[string]string{"A": "swarm://plain", "B": "swarm://json#k"})
	sink.add(vals, err)
}
