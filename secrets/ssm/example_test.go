package ssm_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/ssm"
)

func ExampleNewStore() {
	ctx := context.Background()
	var cfg aws.Config // from config.LoadDefaultConfig in a real program
	s := ssm.NewStore(awsssm.NewFromConfig(cfg), ssm.Options{KeyID: "alias/app"})
	defer s.Close()
	if _, err := s.Put(ctx, "/prod/app/db", secrets.NewValue([]byte("s3cret")), secrets.PutOptions{}); err != nil {
		fmt.Println(err)
	}
}
