package pgrotate_test

import (
	"context"
	"fmt"

	"github.com/opskit-dev/opskit/secrets/rotation"
	"github.com/opskit-dev/opskit/secrets/rotation/pgrotate"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

func ExampleNewAlternating() {
	ctx := context.Background()
	store := secretsfake.NewStore() // secretsmanager.NewStore in production
	target := pgrotate.NewAlternating("postgres://db.internal:5432/app?sslmode=verify-full", store, "prod/db/admin")
	if _, err := rotation.New(store, target, rotation.Options{}).Rotate(ctx, "prod/db/app"); err != nil {
		fmt.Println(err)
	}
}
