package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// auditing lists the package directories (from the module root) that
// re-export the model. A package that audits and is missing here has no
// audit_model.go, which this test reports through the walk below.
var auditing = []string{
	"access",
	"bus",
	"database",
	"database/rds",
	"logging/logaudit",
	"scaling/awsaudit",
	"secrets/certs",
	"secrets/lint",
}

// TestGeneratedFilesUpToDate fails when an auditing package's
// audit_model.go differs from what go generate would write, or when a
// package has one that is not listed.
func TestGeneratedFilesUpToDate(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..", "..")
	listed := map[string]bool{}
	for _, dir := range auditing {
		listed[dir] = true
		pkg := filepath.Base(dir)
		want, err := render(pkg)
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
			if !listed[filepath.ToSlash(rel)] {
				t.Errorf("%s has %s but is not in the auditing list", rel, FileName)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
