package containeraudit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/containeraudit"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// infoOverride reports chosen daemon security options over a real engine.
type infoOverride struct {
	containeraudit.DockerAPI
	securityOptions []string
}

func (o infoOverride) Info(ctx context.Context, opts client.InfoOptions) (client.SystemInfoResult, error) {
	r, err := o.DockerAPI.Info(ctx, opts)
	r.Info.SecurityOptions = o.securityOptions
	return r, err
}

func TestContainerAudit(t *testing.T) {
	cli := testenv.Docker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	run := hex.EncodeToString(b)
	label := "opskit.test.access=" + run
	pids := int64(64)
	pinnedID := sshImageID(t, ctx, cli)
	untrusted := imageAs(t, ctx, cli, "registry.untrusted.test/opskit-audit:"+run)
	allowed := []string{sshImageRepo(t)}
	// good is hardened on every point the audit checks, and its image is
	// pinned (by ID) and from an allowed repository.
	good := func() (*container.Config, *container.HostConfig) {
		return &container.Config{Image: pinnedID, Cmd: []string{"sleep", "infinity"}, User: "1000:1000",
				Labels: map[string]string{"opskit.test.access": run}},
			&container.HostConfig{ReadonlyRootfs: true, SecurityOpt: []string{"no-new-privileges"}, CapDrop: []string{"ALL"},
				Resources: container.Resources{Memory: 64 << 20, NanoCPUs: 500_000_000, PidsLimit: &pids}}
	}
	// Each misconfiguration is applied to a copy of good; exactly its check
	// must fail on that container.
	cases := map[string]func(*container.Config, *container.HostConfig){
		"good":                          func(*container.Config, *container.HostConfig) {},
		"access.container.root_user":    func(c *container.Config, _ *container.HostConfig) { c.User = "root" },
		"access.container.privileged":   func(_ *container.Config, h *container.HostConfig) { h.Privileged = true },
		"access.container.capabilities": func(_ *container.Config, h *container.HostConfig) { h.CapAdd = []string{"SYS_ADMIN"} },
		"access.container.memory_limit": func(_ *container.Config, h *container.HostConfig) { h.Memory = 0 },
		"access.container.cpu_limit":    func(_ *container.Config, h *container.HostConfig) { h.NanoCPUs = 0 },
		"access.container.pids_limit":   func(_ *container.Config, h *container.HostConfig) { h.PidsLimit = nil },
		"access.container.writable_rootfs": func(_ *container.Config, h *container.HostConfig) {
			h.ReadonlyRootfs = false
		},
		"access.container.no_new_privileges": func(_ *container.Config, h *container.HostConfig) { h.SecurityOpt = nil },
		"access.container.host_network":      func(_ *container.Config, h *container.HostConfig) { h.NetworkMode = "host" },
		"access.container.host_pid":          func(_ *container.Config, h *container.HostConfig) { h.PidMode = "host" },
		"access.container.host_ipc":          func(_ *container.Config, h *container.HostConfig) { h.IpcMode = "host" },
		"access.container.host_uts":          func(_ *container.Config, h *container.HostConfig) { h.UTSMode = "host" },
		"access.container.host_userns":       func(_ *container.Config, h *container.HostConfig) { h.UsernsMode = "host" },
		"access.container.docker_socket": func(_ *container.Config, h *container.HostConfig) {
			h.Binds = []string{"/var/run/docker.sock:/var/run/docker.sock:ro"}
		},
		// Below /etc, read-write: the exact-path list passed /etc/ssh.
		"access.container.sensitive_mount": func(_ *container.Config, h *container.HostConfig) { h.Binds = []string{"/etc/ssh:/host-ssh"} },
		"access.container.sensitive_mount_secrets": func(_ *container.Config, h *container.HostConfig) {
			h.Binds = []string{"/root:/host-root:ro"}
		},
		"access.container.sensitive_mount_system": func(_ *container.Config, h *container.HostConfig) {
			h.Binds = []string{"/usr/share:/host-share:ro"}
		},
		"access.container.image_not_pinned": func(c *container.Config, _ *container.HostConfig) { c.Image = testenv.SSHImage() },
		"access.container.image_registry":   func(c *container.Config, _ *container.HostConfig) { c.Image = untrusted },
		"access.container.seccomp_unconfined": func(_ *container.Config, h *container.HostConfig) {
			h.SecurityOpt = append(h.SecurityOpt, "seccomp=unconfined")
		},
	}
	names := map[string]string{} // container name -> case
	for name, mutate := range cases {
		cfg, hc := good()
		mutate(cfg, hc)
		cname := "opskit-access-audit-" + run + "-" + strings.TrimPrefix(name, "access.container.")
		created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: hc, Name: cname})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		id := created.ID
		t.Cleanup(func() {
			_, _ = cli.ContainerRemove(context.Background(), id, client.ContainerRemoveOptions{Force: true})
		})
		if _, err := cli.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		names[cname] = name
	}
	findings, err := containeraudit.Audit(ctx, cli, containeraudit.Options{Labels: []string{label}, AllowedRegistries: allowed})
	if err != nil {
		t.Fatal(err)
	}
	checks := containeraudit.Checks()
	perContainerChecks := 0
	for _, c := range checks {
		if strings.HasPrefix(c.ID, "access.container.") {
			perContainerChecks++
			if _, ok := cases[c.ID]; !ok {
				t.Errorf("check %s has no misconfigured container", c.ID)
			}
		}
	}
	got := map[string][]string{} // case -> failing check IDs
	seen := 0
	for _, f := range findings {
		if !strings.HasPrefix(f.CheckID, "access.container.") {
			continue
		}
		seen++
		cname := strings.Fields(strings.TrimPrefix(f.Resource, "container "))[0]
		cs, ok := names[cname]
		if !ok {
			t.Errorf("finding for a container outside the test: %s", f.Resource)
			continue
		}
		switch f.Status {
		case access.StatusFail:
			got[cs] = append(got[cs], f.CheckID)
		case access.StatusPass:
		default:
			t.Errorf("%s on %s: status %v (%s)", f.CheckID, cname, f.Status, f.Error)
		}
	}
	if want := perContainerChecks * len(cases); seen != want {
		t.Errorf("%d container findings; want %d (%d checks × %d containers)", seen, want, perContainerChecks, len(cases))
	}
	for cs := range cases {
		fails := got[cs]
		sort.Strings(fails)
		want := []string{cs}
		if cs == "good" {
			want = nil
		}
		if fmt.Sprint(fails) != fmt.Sprint(want) {
			t.Errorf("container %s: failing checks %v; want %v", cs, fails, want)
		}
	}
	daemon := func(opts []string) map[string]access.Status {
		fs, err := containeraudit.Audit(ctx, infoOverride{DockerAPI: cli, securityOptions: opts}, containeraudit.Options{
			Labels: []string{"opskit.test.access=none-" + run}})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]access.Status{}
		for _, f := range fs {
			m[f.CheckID] = f.Status
		}
		return m
	}
	real, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	remapped := false
	for _, o := range real.Info.SecurityOptions {
		remapped = remapped || strings.HasPrefix(o, "name=userns")
	}
	if st := daemon(real.Info.SecurityOptions)["access.docker.userns_remap"]; (st == access.StatusPass) != remapped {
		t.Errorf("userns_remap on the real daemon (%v) = %v", real.Info.SecurityOptions, st)
	}
	if st := daemon([]string{"name=seccomp,profile=builtin"})["access.docker.userns_remap"]; st != access.StatusFail {
		t.Errorf("userns_remap without userns = %v; want fail", st)
	}
	if st := daemon([]string{"name=seccomp,profile=builtin", "name=userns"})["access.docker.userns_remap"]; st != access.StatusPass {
		t.Errorf("userns_remap with userns = %v; want pass", st)
	}
	// A daemon that defaults to no-new-privileges covers a container without
	// the option, but not one that turns it off.
	nnpOff := "opskit-access-audit-" + run + "-nnp-off"
	cfg, hc := good()
	hc.SecurityOpt = []string{"no-new-privileges=false"}
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: hc, Name: nnpOff})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = cli.ContainerRemove(context.Background(), created.ID, client.ContainerRemoveOptions{Force: true})
	})
	if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	nnpDefault := append(slices.Clone(real.Info.SecurityOptions), "name=no-new-privileges")
	fs, err := containeraudit.Audit(ctx, infoOverride{DockerAPI: cli, securityOptions: nnpDefault}, containeraudit.Options{Labels: []string{label}, AllowedRegistries: allowed})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]access.Status{
		"opskit-access-audit-" + run + "-no_new_privileges": access.StatusPass,
		"opskit-access-audit-" + run + "-good":              access.StatusPass,
		nnpOff:                                              access.StatusFail,
	}
	for _, f := range fs {
		cname := strings.Fields(strings.TrimPrefix(f.Resource, "container "))[0]
		if w, ok := want[cname]; ok && f.CheckID == "access.container.no_new_privileges" {
			if f.Status != w {
				t.Errorf("no_new_privileges on %s with the daemon default: %v; want %v (%s)", cname, f.Status, w, f.Evidence)
			}
			delete(want, cname)
		}
	}
	if len(want) != 0 {
		t.Errorf("no finding for %v", want)
	}
	t.Logf("%d checks (%d per container, 2 daemon or host), %d containers", len(checks), perContainerChecks, len(cases)+1)
}
