package database

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrCorruptArchive is wrapped by the errors VerifyArchive and RestoreDrill
// return for an archive that does not match its manifest or that
// pg_restore cannot read. Such an archive is never reported as good.
var ErrCorruptArchive = errors.New("corrupt backup archive")

// BackupOptions configures Backup and RestoreDrill.
type BackupOptions struct {
	// DSN of the database to back up (Backup) or of any database on the
	// server the drill restores into (RestoreDrill).
	DSN string
	// PgDump and PgRestore are the binaries (default "pg_dump" and
	// "pg_restore" from PATH); use the major version of the server.
	PgDump, PgRestore string
	// Jobs is pg_restore's parallelism in a drill (default 2).
	Jobs int
	// Amcheck runs pg_amcheck (heap and B-tree verification, installing
	// the amcheck extension in the scratch database) after the restore;
	// PgAmcheck is its binary (default "pg_amcheck").
	Amcheck   bool
	PgAmcheck string
}

// Manifest describes a backup: the archive's size and SHA-256, and per
// table the row count and a checksum of its contents, all read in the same
// snapshot pg_dump dumped.
type Manifest struct {
	Format    string        `json:"format"` // "pg_dump-custom"
	Database  string        `json:"database"`
	Server    string        `json:"serverVersion"`
	Created   time.Time     `json:"created"`
	Size      int64         `json:"size"`
	SHA256    string        `json:"sha256"`
	Tables    []TableDigest `json:"tables"`
	DumpTime  time.Duration `json:"dumpTimeNs"`
	Generator string        `json:"generator"`
}

// TableDigest is one table's row count and content checksum: the md5 of the
// sorted md5s of its rows' text form, so it does not depend on row order.
type TableDigest struct {
	Table    string `json:"table"` // schema-qualified, quoted
	Rows     int64  `json:"rows"`
	Checksum string `json:"checksum"`
}

// Backup dumps the database with pg_dump -Fc into w (so the caller can
// encrypt, compress further or upload it) and returns its manifest. Row
// counts and checksums come from an exported snapshot that pg_dump also
// uses, so they describe exactly what the archive holds.
func Backup(ctx context.Context, opts BackupOptions, w io.Writer) (*Manifest, error) {
	cfg, err := pgconn.ParseConfig(opts.DSN)
	if err != nil {
		return nil, invalid("backup DSN", "", "%v", redact(err))
	}
	conn, err := pgx.Connect(ctx, opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("database: backup: %w", err)
	}
	defer conn.Close(ctx)
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("database: backup: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var snapshot string
	m := &Manifest{Format: "pg_dump-custom", Database: cfg.Database, Created: time.Now().UTC(), Generator: "opskit/database"}
	if err := tx.QueryRow(ctx, "SELECT pg_export_snapshot(), current_setting('server_version')").Scan(&snapshot, &m.Server); err != nil {
		return nil, fmt.Errorf("database: backup: export snapshot: %w", err)
	}
	env, cleanup, err := libpqEnv(cfg, opts.DSN)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	start := time.Now()
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, orDefault(opts.PgDump, "pg_dump"), "-Fc", "--snapshot="+snapshot, "--no-password")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, cw, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("database: backup: pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	m.DumpTime = time.Since(start)
	m.Size, m.SHA256 = cw.n, hex.EncodeToString(h.Sum(nil))
	if m.Tables, err = tableDigests(ctx, tx); err != nil {
		return nil, err
	}
	return m, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// libpqEnv turns a parsed config into libpq environment variables for
// pg_dump and pg_restore, with the DSN's TLS settings and the password in a temporary 0600 passfile
// rather than on the command line or in the environment.
func libpqEnv(cfg *pgconn.Config, dsn string) ([]string, func(), error) {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"PGHOST=" + cfg.Host,
		"PGPORT=" + strconv.Itoa(int(cfg.Port)),
		"PGUSER=" + cfg.User,
		"PGDATABASE=" + cfg.Database,
		"PGCONNECT_TIMEOUT=10",
	}
	env = append(env, libpqTLSEnv(cfg, dsn)...)
	cleanup := func() {}
	if cfg.Password != "" {
		dir, err := os.MkdirTemp("", "opskit-pgpass-")
		if err != nil {
			return nil, nil, fmt.Errorf("database: passfile: %w", err)
		}
		esc := strings.NewReplacer(`\`, `\\`, `:`, `\:`)
		line := "*:*:*:" + esc.Replace(cfg.User) + ":" + esc.Replace(cfg.Password) + "\n"
		path := filepath.Join(dir, "pgpass")
		if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
			os.RemoveAll(dir)
			return nil, nil, fmt.Errorf("database: passfile: %w", err)
		}
		env = append(env, "PGPASSFILE="+path)
		cleanup = func() { os.RemoveAll(dir) }
	}
	return env, cleanup, nil
}

// tableDigests counts and checksums every user table.
func tableDigests(ctx context.Context, q Querier) ([]TableDigest, error) {
	rows, err := q.Query(ctx, `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
		  AND NOT c.relispartition ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("database: table digests: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("database: table digests: %w", err)
	}
	out := make([]TableDigest, 0, len(names))
	for _, name := range names {
		d := TableDigest{Table: name}
		// name comes from format('%I.%I'), so it is a quoted identifier.
		q2 := "SELECT count(*), COALESCE(md5(string_agg(h, '' ORDER BY h)), '') FROM (SELECT md5(t::text) AS h FROM " + name + " t) s"
		if err := q.QueryRow(ctx, q2).Scan(&d.Rows, &d.Checksum); err != nil {
			return nil, fmt.Errorf("database: table digest %s: %w", name, err)
		}
		out = append(out, d)
	}
	return out, nil
}
