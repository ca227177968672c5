package rotation_test

import (
	"context"
	"fmt"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

func ExampleRotator() {
	ctx := context.Background()
	store := secretsfake.NewStore()
	_, _ = store.Put(ctx, "api-key", secrets.NewValue([]byte("v0")), secrets.PutOptions{})
	target := &counterTarget{valid: map[string]bool{"v0": true}}

	r := rotation.New(store, target, rotation.Options{
		AfterStep: func(_ context.Context, name string, s rotation.Step) error {
			fmt.Println(name, s)
			return nil
		},
	})
	if _, err := r.Rotate(ctx, "api-key"); err != nil {
		fmt.Println(err)
	}
	cur, _ := store.Get(ctx, "api-key")
	fmt.Println(cur.Value.Reveal(), cur.Version.Stages)
	// Output:
	// api-key createSecret
	// api-key setSecret
	// api-key testSecret
	// api-key finishSecret
	// v1 [current]
}
