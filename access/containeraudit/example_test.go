package containeraudit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/moby/moby/client"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/containeraudit"
)

func ExampleAudit() {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		log.Fatal(err)
	}
	findings, err := containeraudit.Audit(context.Background(), cli, containeraudit.Options{Labels: []string{"team=payments"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		if f.Status == access.StatusFail {
			fmt.Println(f.Severity, f.CheckID, f.Resource, f.Evidence)
		}
	}
}
