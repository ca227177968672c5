package inject_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opskit-dev/opskit/secrets/inject"
)

func ExampleResolver_ResolveEnv() {
	dir, _ := os.MkdirTemp("", "secrets")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "db_password"), []byte("from-swarm"), 0o400)

	// In production also set SecretsManager and SSM to the AWS clients.
	r := inject.NewResolver(inject.Options{SwarmDir: dir})
	env, err := r.ResolveEnv(context.Background(), []string{"DB_PASSWORD=swarm://db_password", "MODE=prod"})
	fmt.Println(env, err)
	// Output: [DB_PASSWORD=from-swarm MODE=prod] <nil>
}

func ExampleExec() {
	r := inject.NewResolver(inject.Options{})
	// Replaces this process with the program when it succeeds.
	if err := inject.Exec(context.Background(), r, []string{"/usr/local/bin/app", "--serve"}); err != nil {
		fmt.Println(err)
	}
}
