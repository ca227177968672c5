package file_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging/file"
)

// TestPostgreSQLLog tails the local server's log with the PostgreSQL
// preset and finds a multi-line RAISE LOG record joined into one event.
func TestPostgreSQLLog(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	path := "/var/log/postgresql/postgresql-" + pg.Version + "-main.log"
	if _, err := os.Stat(path); err != nil {
		testenv.Unavailable(t, "PostgreSQL log file "+path, err)
	}
	opts := file.PostgreSQL(path)
	opts.Multiline.Timeout = 200 * time.Millisecond
	r := start(t, opts)
	marker := fmt.Sprintf("opskit-logging-marker-%d", time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pg.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The marker travels as a bind parameter, never inside the SQL text.
	if _, err := conn.Exec(ctx, `SELECT set_config('opskit.marker', $1, false)`, marker); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `DO $$ BEGIN RAISE LOG E'%\nsecond line of the record', current_setting('opskit.marker'); END $$`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, rec := range r.sink.All() {
			if !strings.Contains(rec.Message, marker) {
				continue
			}
			if !strings.Contains(rec.Message, marker+"\n\tsecond line of the record") {
				t.Fatalf("record not joined: %q", rec.Message)
			}
			if time.Since(rec.Time).Abs() > time.Minute || rec.Fields["format"] != "postgresql" {
				t.Fatalf("record time %v fields %v", rec.Time, rec.Fields)
			}
			t.Logf("found %q at %v (%d records read from %s)", strings.SplitN(rec.Message, "\n", 2)[0], rec.Time, len(r.sink.All()), path)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("marker %s not found in %d records", marker, len(r.sink.All()))
}
