package containeraudit

import (
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

func TestGradeMount(t *testing.T) {
	for _, c := range []struct {
		src  string
		rw   bool
		want mountGrade
	}{
		{"/etc", true, gradeFull},
		{"/etc/ssh", true, gradeFull}, // the exact-path list passed it
		{"/etc/ssh", false, gradeSecrets},
		{"/etcd-data", true, gradeNone},
		{"/root/.ssh", false, gradeSecrets},
		{"/dev", false, gradeFull}, // device nodes stay writable
		{"/dev/shm/", true, gradeFull},
		{"/proc", false, gradeSystem},
		{"/sys/fs/cgroup", false, gradeSystem},
		{"/boot", true, gradeFull},
		{"/usr/share", false, gradeSystem},
		{"/", false, gradeSecrets},
		{"/srv/data", true, gradeNone},
		{"/var/run/docker.sock", true, gradeNone}, // the docker_socket check's
		{"/var/lib/docker/volumes", false, gradeSecrets},
		// A directory above a sensitive path exposes it: /var holds
		// /var/lib/docker and /var/run (the Docker socket), which even a
		// read-only mount lets the container connect to.
		{"/var", false, gradeFull},
		{"/var/lib", false, gradeSecrets},
		{"/run", false, gradeFull},
		{"/var/run", true, gradeFull},
		{"/home", false, gradeSecrets},
		{"/home/alice/project", true, gradeNone}, // one user's files, not all homes
		{"/var/log", false, gradeNone},
		{"/srv", true, gradeNone},
	} {
		m := container.MountPoint{Type: mount.TypeBind, Source: c.src, RW: c.rw}
		if got := gradeMount(m); got != c.want {
			t.Errorf("%s rw=%v: grade %d; want %d", c.src, c.rw, got, c.want)
		}
	}
	if g := gradeMount(container.MountPoint{Type: mount.TypeVolume, Source: "/etc", RW: true}); g != gradeNone {
		t.Errorf("a named volume is graded %d", g)
	}
}
