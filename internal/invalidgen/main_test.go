package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// generated lists the package directories (from the module root) with a
// generated InvalidError, with the -prefix and -parent each was generated
// with.
var generated = map[string][2]string{
	"bus":               {"", ""},
	"database":          {"", ""},
	"database/rds":      {"", ""},
	"logging":           {"", ""},
	"scaling":           {"", ""},
	"scaling/awsasg":    {"scaling/awsasg", "scaling"},
	"scaling/awsec2":    {"scaling/awsec2", "scaling"},
	"scaling/elb":       {"scaling/elb", "scaling"},
	"secrets":           {"", ""},
	"secrets/certs":     {"", ""},
	"secrets/envelope":  {"", ""},
	"secrets/lint":      {"", ""},
	"secrets/passbolt":  {"", ""},
	"secrets/teamvault": {"", ""},
}

// TestGeneratedFilesUpToDate fails when a package's invalid_error.go
// differs from what go generate would write, or when a package has one
// that is not listed.
func TestGeneratedFilesUpToDate(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	for dir, flags := range generated {
		want, err := render(filepath.Base(dir), flags[0], flags[1])
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(root, dir, FileName))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./%s)", dir, err, dir)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s differs from the template: run go generate ./%s", dir, FileName, dir)
		}
	}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == FileName {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			if _, ok := generated[filepath.ToSlash(rel)]; !ok {
				t.Errorf("%s has %s but is not listed", rel, FileName)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRenderPrefix checks that -prefix sets the message prefix, -parent
// adds the parent's sentinel, and both stay in the go:generate line.
func TestRenderPrefix(t *testing.T) {
	src, err := render("elb", "scaling/elb", "scaling")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte(`"scaling/elb: invalid %s: %s: %s"`)) || !bytes.Contains(src, []byte("invalidgen -prefix scaling/elb -parent scaling")) ||
		!bytes.Contains(src, []byte("target == scaling.ErrInvalid")) {
		t.Fatalf("prefix not applied:\n%s", src)
	}
}
