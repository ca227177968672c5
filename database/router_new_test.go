package database_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/databasefake"
)

func TestNewRouterInvalidNodes(t *testing.T) {
	c := databasefake.NewCluster(1, nil)
	ns := c.Nodes()
	for name, nodes := range map[string][]database.Node{
		"none":      nil,
		"nil node":  {ns[0], nil},
		"same name": {ns[0], c.Nodes()[0]},
	} {
		r, err := database.NewRouter(context.Background(), nodes, database.RouterOptions{})
		var ie *database.InvalidError
		if !errors.Is(err, database.ErrInvalid) || !errors.As(err, &ie) || ie.Input != "router nodes" {
			t.Errorf("%s: NewRouter = %v, %v; want an InvalidError for the router nodes", name, r, err)
		}
	}
}

func TestRouterCloseClosesNodes(t *testing.T) {
	c := databasefake.NewCluster(1, nil)
	ns := c.Nodes()
	r, err := database.NewRouter(context.Background(), ns, database.RouterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, n := range ns {
		if _, err := n.Querier().Exec(context.Background(), "INSERT INTO t VALUES (1)"); err == nil {
			t.Errorf("%s: Exec after the router closed succeeded", n.Name())
		}
	}
}

func TestInvalidError(t *testing.T) {
	err := error(&database.InvalidError{Input: "replica DSN 1", Reason: "cannot parse connection string"})
	if !errors.Is(err, database.ErrInvalid) || err.Error() != "database: invalid replica DSN 1: cannot parse connection string" {
		t.Errorf("%v: want it to match ErrInvalid, with the package prefix", err)
	}
	err = &database.InvalidError{Input: "role plan", Field: `schema "app"`, Reason: "owner, read-write and read-only roles must differ"}
	if err.Error() != `database: invalid role plan: schema "app": owner, read-write and read-only roles must differ` {
		t.Errorf("message %q", err)
	}
}

func TestDialRouterSameNodeTwice(t *testing.T) {
	dsn := "postgres://u:s3cret@127.0.0.1:1/db"
	_, err := database.DialRouter(context.Background(), dsn, database.RouterOptions{Replicas: []string{dsn}})
	if !errors.Is(err, database.ErrInvalid) || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("DialRouter with the primary as its own replica: %v, want ErrInvalid without the password", err)
	}
}
