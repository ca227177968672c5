package containeraudit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/moby/moby/client"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/containeraudit"
	"github.com/opskit-dev/opskit/access/sshhost"
)

func ExampleAudit() {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		log.Fatal(err)
	}
	// The Docker host over SSH, where content trust is judged.
	host, err := sshhost.New("docker1.example.com:22", sshhost.Config{KnownHostsFile: "/home/ops/.ssh/known_hosts"})
	if err != nil {
		log.Fatal(err)
	}
	defer host.Close()
	findings, err := containeraudit.Audit(context.Background(), cli, containeraudit.Options{
		Labels:            []string{"team=payments"},
		AllowedRegistries: []string{"123456789012.dkr.ecr.eu-west-1.amazonaws.com"},
		ProductionLabels:  []string{"env=production"},
		Host:              host,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		if f.Status == access.StatusFail {
			fmt.Println(f.Severity, f.CheckID, f.Resource, f.Evidence)
		}
	}
}
