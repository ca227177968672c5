package secrets_test

import (
	"context"
	"fmt"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

func ExampleStore() {
	ctx := context.Background()
	s := secretsfake.NewStore()
	defer s.Close()

	_, _ = s.Put(ctx, "app/db", secrets.NewValue([]byte("first")), secrets.PutOptions{})
	// A rotation: a pending version, then current moves onto it.
	v2, _ := s.Put(ctx, "app/db", secrets.NewValue([]byte("second")), secrets.PutOptions{Stages: []secrets.Stage{secrets.StagePending}})
	_ = s.MoveStage(ctx, "app/db", secrets.StageCurrent, v2.ID)
	_ = s.MoveStage(ctx, "app/db", secrets.StagePending, "")

	cur, _ := s.Get(ctx, "app/db")
	prev, _ := s.GetStage(ctx, "app/db", secrets.StagePrevious)
	fmt.Println(cur.Value, cur.Version.Stages)
	fmt.Println(cur.Value.Reveal(), prev.Value.Reveal())
	// Output:
	// [REDACTED] [current]
	// second first
}
