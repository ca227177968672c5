package swarm_test

import (
	"context"
	"fmt"

	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/secrets"
	secretswarm "github.com/opskit-dev/opskit/secrets/swarm"
)

func ExampleBackend_Attach() {
	ctx := context.Background()
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return
	}
	b := secretswarm.New(cli)
	s := secrets.New(b, secrets.Options{})
	// A new version of db_password, then the service "api" mounts it at
	// /run/secrets/db_password as before.
	if _, err := s.Put(ctx, "db_password", secrets.NewValue([]byte("n3w")), secrets.PutOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := b.Attach(ctx, "api", "db_password", secretswarm.AttachOptions{}); err != nil {
		fmt.Println(err)
	}
}
