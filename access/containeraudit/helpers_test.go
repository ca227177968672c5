package containeraudit_test

import (
	"context"
	"testing"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// imageAs makes an image of its own from the SSH host image, known only by
// ref (no registry is reachable: the name alone says where it "comes
// from"), and returns its ID. It is removed when t ends.
func imageAs(t *testing.T, ctx context.Context, cli *client.Client, ref string) string {
	t.Helper()
	c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: testenv.SSHImage(), Cmd: []string{"true"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.ContainerRemove(context.Background(), c.ID, client.ContainerRemoveOptions{Force: true})
	img, err := cli.ContainerCommit(ctx, c.ID, client.ContainerCommitOptions{Reference: ref, Comment: "opskit containeraudit test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), img.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	})
	return img.ID
}

// sshImageID is the SSH host image's ID, which pins it by content.
func sshImageID(t *testing.T, ctx context.Context, cli *client.Client) string {
	t.Helper()
	img, err := cli.ImageInspect(ctx, testenv.SSHImage())
	if err != nil {
		t.Fatal(err)
	}
	return img.ID
}

// sshImageRepo is the SSH host image's normalized repository name, to
// allow it.
func sshImageRepo(t *testing.T) string {
	t.Helper()
	n, err := reference.ParseNormalizedNamed(testenv.SSHImage())
	if err != nil {
		t.Fatal(err)
	}
	return n.Name()
}
