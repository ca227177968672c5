package secretsmanager_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/secretsmanager"
)

func ExampleNewStore() {
	ctx := context.Background()
	var cfg aws.Config // from config.LoadDefaultConfig in a real program
	s := secretsmanager.NewStore(awssm.NewFromConfig(cfg), secrets.Options{})
	defer s.Close()
	sec, err := s.Get(ctx, "prod/app/db")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sec.Version.ID, sec.Value) // the value prints [REDACTED]
}
