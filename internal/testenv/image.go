package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// BuildImage builds an image on the real engine (the Engine API's classic
// builder; no registry) from dockerfile with files (mode 0755) as its
// context, tags it opskit-NAME:<nanoseconds>, labels it opskit.testenv=NAME
// and removes it when t ends. opts may set BuildArgs, NoCache and the like;
// its tags and the opskit.testenv label are set here.
func BuildImage(t testing.TB, cli *client.Client, name, dockerfile string, files map[string][]byte, opts client.ImageBuildOptions) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(n string, mode int64, data []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: mode, Size: int64(len(data))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	add("Dockerfile", 0o644, []byte(dockerfile))
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		add(n, 0o755, files[n])
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	tag := fmt.Sprintf("opskit-%s:%d", name, time.Now().UnixNano())
	opts.Tags = []string{tag}
	opts.Remove, opts.ForceRemove = true, true
	labels := map[string]string{"opskit.testenv": name}
	for k, v := range opts.Labels {
		labels[k] = v
	}
	opts.Labels = labels
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := cli.ImageBuild(ctx, &buf, opts)
	if err != nil {
		t.Fatalf("ImageBuild: %v", err)
	}
	defer res.Body.Close()
	dec := json.NewDecoder(res.Body)
	for {
		var msg struct {
			Error string `json:"error"`
		}
		if err := dec.Decode(&msg); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("ImageBuild output: %v", err)
		}
		if msg.Error != "" {
			t.Fatalf("ImageBuild: %s", msg.Error)
		}
	}
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), tag, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	})
	return tag
}
