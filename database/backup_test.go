package database

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/opskit-dev/opskit/internal/testenv"
)

func backupFixture(t *testing.T) (BackupOptions, *Manifest, []byte) {
	t.Helper()
	pg := testenv.PostgreSQL(t)
	dsn, _, _ := scratchDB(t, pg)
	exec1(t, dsn, `CREATE SCHEMA shop;
		CREATE TABLE shop.customers (id serial PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());
		CREATE TABLE shop.orders (id bigserial PRIMARY KEY, customer int REFERENCES shop.customers, total numeric(10,2), note text);
		CREATE TABLE public.empty_table (x int);
		INSERT INTO shop.customers (name) SELECT 'customer ' || g FROM generate_series(1, 2000) g;
		INSERT INTO shop.orders (customer, total, note) SELECT 1 + g % 2000, g * 1.5, CASE WHEN g % 7 = 0 THEN NULL ELSE md5(g::text) END FROM generate_series(1, 20000) g;`)
	opts := BackupOptions{DSN: dsn}
	var buf bytes.Buffer
	m, err := Backup(context.Background(), opts, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size != int64(buf.Len()) || len(m.Tables) != 3 {
		t.Fatalf("manifest size %d (archive %d), %d tables", m.Size, buf.Len(), len(m.Tables))
	}
	return opts, m, buf.Bytes()
}

func TestRestoreDrill(t *testing.T) {
	opts, m, archive := backupFixture(t)
	t.Logf("backup: %d bytes in %v, tables %+v", m.Size, m.DumpTime, m.Tables)
	if err := VerifyArchive(bytes.NewReader(archive), m); err != nil {
		t.Fatal(err)
	}
	opts.Amcheck, opts.PgAmcheck = true, pgBin+"/pg_amcheck"
	rep, err := RestoreDrill(context.Background(), opts, bytes.NewReader(archive), m)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || !rep.Amchecked {
		t.Fatalf("drill not OK: %v", rep.Problems)
	}
	t.Logf("restored into %s in %v; %d tables match", rep.ScratchDatabase, rep.RestoreTime, len(rep.Tables))
	for _, c := range rep.Tables {
		if c.Table == "shop.orders" && c.RestoredRows != 20000 {
			t.Fatalf("orders: %d rows", c.RestoredRows)
		}
	}
	assertNoDatabase(t, rep.ScratchDatabase)

	// A change in the source after the backup is not in the archive, and the
	// drill compares against the manifest (the backup), so it still passes;
	// a manifest that claims different contents fails the drill.
	bad := *m
	bad.Tables = append([]TableDigest(nil), m.Tables...)
	bad.Tables[0].Rows++
	rep, err = RestoreDrill(context.Background(), opts, bytes.NewReader(archive), &bad)
	if err != nil || rep.OK || len(rep.Problems) != 1 {
		t.Fatalf("drill with a wrong manifest: OK=%v problems=%v err=%v; want one mismatch", rep.OK, rep.Problems, err)
	}
	assertNoDatabase(t, rep.ScratchDatabase)
}

func assertNoDatabase(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, testenv.PostgresEnv().PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil || n != 0 {
		t.Fatalf("scratch database %s still exists (n=%d, err=%v)", name, n, err)
	}
}

func TestCorruptArchive(t *testing.T) {
	opts, m, archive := backupFixture(t)
	flipped := bytes.Clone(archive)
	flipped[len(flipped)/2] ^= 0x40
	cases := map[string][]byte{
		"truncated":      archive[:len(archive)*2/3],
		"flipped-byte":   flipped,
		"empty":          nil,
		"trailing-bytes": append(bytes.Clone(archive), 0, 1, 2),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if err := VerifyArchive(bytes.NewReader(data), m); !errors.Is(err, ErrCorruptArchive) {
				t.Fatalf("VerifyArchive: %v, want ErrCorruptArchive", err)
			}
			rep, err := RestoreDrill(context.Background(), opts, bytes.NewReader(data), m)
			if !errors.Is(err, ErrCorruptArchive) || rep.OK {
				t.Fatalf("drill: OK=%v err=%v, want ErrCorruptArchive", rep.OK, err)
			}
		})
	}
	// Without a trustworthy manifest the drill still refuses an archive
	// pg_restore cannot read: a truncated archive whose manifest was
	// computed over the truncated bytes.
	trunc := archive[:len(archive)/2]
	fake := *m
	fake.Size = int64(len(trunc))
	var buf bytes.Buffer
	buf.Write(trunc)
	fake.SHA256 = sha256hex(trunc)
	rep, err := RestoreDrill(context.Background(), opts, &buf, &fake)
	if !errors.Is(err, ErrCorruptArchive) || rep.OK {
		t.Fatalf("truncated archive with matching manifest: OK=%v err=%v; want a failure", rep.OK, err)
	}
	t.Logf("truncated archive with a matching manifest: %v", err)
	if rep.ScratchDatabase != "" {
		assertNoDatabase(t, rep.ScratchDatabase)
	}
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
