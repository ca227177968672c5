package secretstest

import (
	"errors"
	"slices"

	"github.com/opskit-dev/opskit/secrets"
)

type testCase struct {
	name string
	fn   func(e *env)
}

func cases() []testCase {
	return []testCase{
		{"PutGetCurrent", casePutGet},
		{"CurrentMovesPrevious", caseCurrentMovesPrevious},
		{"PendingLeavesCurrent", casePending},
		{"RotationByStages", caseRotation},
		{"GetVersion", caseGetVersion},
		{"NotFound", caseNotFound},
		{"Invalid", caseInvalid},
		{"Delete", caseDelete},
		{"DeleteRecovery", caseRecovery},
	}
}

func casePutGet(e *env) {
	n := e.name("a")
	v := e.put(n, "value-1")
	if !v.Has(secrets.StageCurrent) {
		e.t.Fatalf("first Put: stages %v; want current", v.Stages)
	}
	e.want(n, secrets.StageCurrent, v.ID, "value-1")
	if e.writeOnly() {
		return
	}
	got, err := e.s.Get(e.ctx, n)
	if err != nil || got.Version.ID != v.ID || got.Value.Reveal() != "value-1" || got.Name != n {
		e.t.Fatalf("Get = version %s, %v; want version %s", got.Version.ID, err, v.ID)
	}
}

func caseCurrentMovesPrevious(e *env) {
	n := e.name("b")
	v1 := e.put(n, "value-1")
	v2 := e.put(n, "value-2")
	e.want(n, secrets.StageCurrent, v2.ID, "value-2")
	e.want(n, secrets.StagePrevious, v1.ID, "value-1")
	v3 := e.put(n, "value-3")
	e.want(n, secrets.StagePrevious, v2.ID, "value-2")
	got := e.stages(n)
	want := map[string][]secrets.Stage{v3.ID: {secrets.StageCurrent}, v2.ID: {secrets.StagePrevious}}
	if !sameStages(got, want) {
		e.t.Fatalf("Versions = %v; want %v (v1 %s deprecated)", got, want, v1.ID)
	}
}

func casePending(e *env) {
	n := e.name("c")
	v1 := e.put(n, "value-1")
	v2 := e.put(n, "value-2", secrets.StagePending)
	e.want(n, secrets.StageCurrent, v1.ID, "value-1")
	e.want(n, secrets.StagePending, v2.ID, "value-2")
	if _, err := e.stageVersion(n, secrets.StagePrevious); !errors.Is(err, secrets.ErrNotFound) {
		e.t.Fatalf("GetStage(previous) before any move = %v; want ErrNotFound", err)
	}
	// A second pending version takes the stage from the first, which is
	// left with none.
	v3 := e.put(n, "value-3", secrets.StagePending)
	e.want(n, secrets.StagePending, v3.ID, "value-3")
	got := e.stages(n)
	if _, ok := got[v2.ID]; ok {
		e.t.Fatalf("Versions = %v: version %s kept no stage and should be deprecated", got, v2.ID)
	}
}

// caseRotation is the four-step protocol's stage moves: put pending, move
// current onto it, remove pending.
func caseRotation(e *env) {
	n := e.name("d")
	v1 := e.put(n, "value-1")
	v2 := e.put(n, "value-2", secrets.StagePending)
	if err := e.s.MoveStage(e.ctx, n, secrets.StageCurrent, v2.ID); err != nil {
		e.t.Fatalf("MoveStage(current, v2) = %v", err)
	}
	e.want(n, secrets.StageCurrent, v2.ID, "value-2")
	e.want(n, secrets.StagePrevious, v1.ID, "value-1")
	if err := e.s.MoveStage(e.ctx, n, secrets.StageCurrent, v2.ID); err != nil {
		e.t.Fatalf("MoveStage(current, v2) again = %v; want nil (idempotent)", err)
	}
	e.want(n, secrets.StagePrevious, v1.ID, "value-1")
	if err := e.s.MoveStage(e.ctx, n, secrets.StagePending, ""); err != nil {
		e.t.Fatalf("MoveStage(pending, none) = %v", err)
	}
	if _, err := e.stageVersion(n, secrets.StagePending); !errors.Is(err, secrets.ErrNotFound) {
		e.t.Fatalf("GetStage(pending) after removal = %v; want ErrNotFound", err)
	}
	want := map[string][]secrets.Stage{v2.ID: {secrets.StageCurrent}, v1.ID: {secrets.StagePrevious}}
	if got := e.stages(n); !sameStages(got, want) {
		e.t.Fatalf("Versions = %v; want %v", got, want)
	}
	// Rolling back moves current to the previous version.
	if err := e.s.MoveStage(e.ctx, n, secrets.StageCurrent, v1.ID); err != nil {
		e.t.Fatalf("MoveStage(current, v1) = %v", err)
	}
	e.want(n, secrets.StageCurrent, v1.ID, "value-1")
	e.want(n, secrets.StagePrevious, v2.ID, "value-2")
	if err := e.s.MoveStage(e.ctx, n, secrets.StageCurrent, ""); !errors.Is(err, secrets.ErrInvalid) {
		e.t.Fatalf("MoveStage(current, none) = %v; want ErrInvalid", err)
	}
}

func caseGetVersion(e *env) {
	n := e.name("e")
	v1 := e.put(n, "value-1")
	v2 := e.put(n, "value-2")
	if e.writeOnly() {
		if got := e.stages(n); len(got[v1.ID]) == 0 || len(got[v2.ID]) == 0 {
			e.t.Fatalf("Versions = %v; want %s and %s", got, v1.ID, v2.ID)
		}
		return
	}
	for _, v := range []struct {
		id, value string
	}{{v1.ID, "value-1"}, {v2.ID, "value-2"}} {
		got, err := e.s.GetVersion(e.ctx, n, v.id)
		if err != nil || got.Version.ID != v.id || got.Value.Reveal() != v.value {
			e.t.Fatalf("GetVersion(%s) = version %s, %v", v.id, got.Version.ID, err)
		}
	}
}

func caseNotFound(e *env) {
	n := e.name("missing")
	if _, err := e.stageVersion(n, secrets.StageCurrent); !errors.Is(err, secrets.ErrNotFound) {
		e.t.Fatalf("Get(missing) = %v; want ErrNotFound", err)
	}
	if _, err := e.s.Versions(e.ctx, n); !errors.Is(err, secrets.ErrNotFound) {
		e.t.Fatalf("Versions(missing) = %v; want ErrNotFound", err)
	}
	if err := e.s.Delete(e.ctx, n, secrets.DeleteOptions{}); err != nil {
		e.t.Fatalf("Delete(missing) = %v; want nil (deleting is idempotent)", err)
	}
	e.put(n, "value-1")
	if _, err := e.stageVersion(n, secrets.StagePending); !errors.Is(err, secrets.ErrNotFound) {
		e.t.Fatalf("GetStage(pending) with none = %v; want ErrNotFound", err)
	}
}

func caseInvalid(e *env) {
	n := e.name("inv")
	v := secrets.NewValue([]byte("value-1"))
	for i, f := range []func() error{
		func() error { _, err := e.s.Put(e.ctx, "", v, secrets.PutOptions{}); return err },
		func() error { _, err := e.s.Put(e.ctx, n+" x", v, secrets.PutOptions{}); return err },
		func() error { _, err := e.s.Put(e.ctx, n, secrets.Value{}, secrets.PutOptions{}); return err },
		func() error {
			_, err := e.s.Put(e.ctx, n, v, secrets.PutOptions{Stages: []secrets.Stage{"bad stage"}})
			return err
		},
		func() error { _, err := e.s.GetVersion(e.ctx, n, ""); return err },
		func() error { return e.s.Delete(e.ctx, n, secrets.DeleteOptions{RecoveryWindow: -1}) },
	} {
		if err := f(); !errors.Is(err, secrets.ErrInvalid) {
			e.t.Errorf("invalid input #%d: err = %v; want ErrInvalid", i, err)
		}
	}
	if _, err := e.stageVersion(n, secrets.StageCurrent); !errors.Is(err, secrets.ErrNotFound) {
		e.t.Fatalf("after invalid Puts, Get = %v; want ErrNotFound (nothing changed)", err)
	}
}

func caseDelete(e *env) {
	n := e.name("del")
	e.put(n, "value-1")
	if err := e.s.Delete(e.ctx, n, secrets.DeleteOptions{}); err != nil {
		e.t.Fatalf("Delete = %v", err)
	}
	if _, err := e.stageVersion(n, secrets.StageCurrent); !errors.Is(err, secrets.ErrNotFound) {
		e.t.Fatalf("Get after Delete = %v; want ErrNotFound", err)
	}
}

func caseRecovery(e *env) {
	r, ok := e.h.(Recovering)
	if !ok {
		n := e.name("norec")
		e.put(n, "value-1")
		err := e.s.Delete(e.ctx, n, secrets.DeleteOptions{RecoveryWindow: 7 * 24 * 3600e9})
		if !errors.Is(err, secrets.ErrUnsupported) {
			e.t.Fatalf("Delete with a recovery window on a backend without one = %v; want ErrUnsupported", err)
		}
		return
	}
	n := e.name("rec")
	v := e.put(n, "value-1")
	if err := e.s.Delete(e.ctx, n, secrets.DeleteOptions{RecoveryWindow: r.RecoveryWindow()}); err != nil {
		e.t.Fatalf("Delete(window) = %v", err)
	}
	if _, err := e.s.Get(e.ctx, n); !errors.Is(err, secrets.ErrDeleted) {
		e.t.Fatalf("Get while scheduled for deletion = %v; want ErrDeleted", err)
	}
	if err := e.s.Restore(e.ctx, n); err != nil {
		e.t.Fatalf("Restore = %v", err)
	}
	e.want(n, secrets.StageCurrent, v.ID, "value-1")
}

func sameStages(got, want map[string][]secrets.Stage) bool {
	if len(got) != len(want) {
		return false
	}
	for id, w := range want {
		g := slices.Clone(got[id])
		slices.Sort(g)
		w = slices.Clone(w)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			return false
		}
	}
	return true
}
