package netaudit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/netaudit"
)

func ExampleAudit() {
	// Usually ec2.NewFromConfig(cfg) with cfg from config.LoadDefaultConfig.
	api := ec2.New(ec2.Options{Region: "eu-west-1"})
	findings, err := netaudit.Audit(context.Background(), api, netaudit.Options{
		// PostgreSQL answers the application's security group only.
		Database: &netaudit.DatabaseAccess{Groups: []string{"db"}, AppGroups: []string{"app"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		if f.Status == access.StatusFail {
			fmt.Println(f.CheckID, f.Resource, f.Evidence)
		}
	}
}
