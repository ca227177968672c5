package lint

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHostileInputsFinish feeds the linter inputs whose authors control
// their shape (a compose file from a pull request, an image's history) and
// that used to make it run for ever: each must finish at once.
func TestHostileInputsFinish(t *testing.T) {
	l := New(Options{})
	within := func(name string, f func()) {
		t.Helper()
		done := make(chan struct{})
		go func() { defer close(done); f() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still running after 5 s", name)
		}
	}

	// 30 levels of merges, each merging the level below twice: without
	// remembering what was merged, 2^30 visits.
	var b strings.Builder
	b.WriteString("x-l0: &l0\n  DB_PASSWORD: Summer2024!\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "x-l%d: &l%d\n  <<: [*l%d, *l%d]\n", i, i, i-1, i-1)
	}
	b.WriteString("services:\n  web:\n    image: web\n    environment:\n      <<: *l30\n")
	within("nested merges", func() {
		fs, err := l.Compose("docker-compose.yml", []byte(b.String()))
		if err != nil {
			t.Error(err)
			return
		}
		failed := 0
		for _, f := range fs {
			if f.Status == StatusFail {
				failed++
			}
		}
		if failed == 0 {
			t.Error("the merged DB_PASSWORD was not found")
		}
	})

	// A build-argument count far beyond the words the line has.
	within("history |N", func() {
		kinds, _ := l.historyEntry("RUN |9223372036854775807 NPM_TOKEN=Zq8rT2mWx9LpV4sK /bin/sh -c npm ci # buildkit")
		if len(kinds) == 0 || !strings.Contains(kinds[0], "NPM_TOKEN") {
			t.Errorf("kinds = %v; want the NPM_TOKEN build argument", kinds)
		}
	})
}
