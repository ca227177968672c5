package sshhost

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/access"
)

var errTruncated = errors.New("output ended early (no END marker)")

func lines(out []byte) ([]string, error) {
	var ls []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		ls = append(ls, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(ls) == 0 || ls[len(ls)-1] != "END" {
		return nil, errTruncated
	}
	return ls[:len(ls)-1], nil
}

func unb64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

func parseSnapshot(out []byte) (*access.HostState, error) {
	ls, err := lines(out)
	if err != nil {
		return nil, err
	}
	st := &access.HostState{}
	idx := map[string]int{}
	var groupData []byte
	type shadow struct {
		locked  bool
		expires string
	}
	shadows := map[string]shadow{}
	keyFiles := map[string][]access.KeyFile{}
	var tarData []byte
	for _, l := range ls {
		f := strings.Split(l, "\t")
		switch f[0] {
		case "P":
			data, err := unb64(field(f, 1))
			if err != nil {
				return nil, fmt.Errorf("passwd: %v", err)
			}
			for _, pl := range strings.Split(string(data), "\n") {
				p := strings.Split(pl, ":")
				if len(p) != 7 {
					continue
				}
				uid, _ := strconv.Atoi(p[2])
				gid, _ := strconv.Atoi(p[3])
				idx[p[0]] = len(st.Accounts)
				st.Accounts = append(st.Accounts, access.Account{
					Name: p[0], UID: uid, GID: gid, Home: p[5], Shell: p[6], Managed: p[4] == access.ManagedMarker,
				})
			}
		case "G":
			if groupData, err = unb64(field(f, 1)); err != nil {
				return nil, fmt.Errorf("group: %v", err)
			}
		case "S":
			if len(f) != 4 {
				return nil, fmt.Errorf("bad shadow line")
			}
			s := shadow{locked: f[2] == "1"}
			if days, err := strconv.Atoi(f[3]); err == nil {
				s.expires = time.Unix(int64(days)*86400, 0).UTC().Format("2006-01-02")
			}
			shadows[f[1]] = s
		case "T":
			if tarData, err = unb64(field(f, 1)); err != nil {
				return nil, fmt.Errorf("files: %v", err)
			}
		case "C":
			st.RootKeysConfigured = field(f, 1) == "1"
		case "U":
			// One account's key files, as the account itself read them.
			// Anything malformed is that account's problem, never the
			// snapshot's.
			data, err := unb64(field(f, 2))
			if err != nil {
				data = nil
			}
			keyFiles[field(f, 1)] = append(keyFiles[field(f, 1)], parseKeyFiles(data)...)
		default:
			return nil, fmt.Errorf("unexpected line %.20q", l)
		}
	}
	for name, s := range shadows {
		if i, ok := idx[name]; ok {
			st.Accounts[i].Locked = s.locked
			st.Accounts[i].Expires = s.expires
		}
	}
	for _, gl := range strings.Split(string(groupData), "\n") {
		g := strings.Split(gl, ":")
		if len(g) != 4 || g[3] == "" {
			continue
		}
		for _, m := range strings.Split(g[3], ",") {
			if i, ok := idx[m]; ok {
				st.Accounts[i].Groups = append(st.Accounts[i].Groups, g[0])
			}
		}
	}
	for i := range st.Accounts {
		a := &st.Accounts[i]
		sort.Strings(a.Groups)
		for _, kf := range keyFiles[a.Name] {
			switch {
			case kf.Path == path.Clean(a.Home) && kf.Type == "dir":
				d := kf.FileInfo
				a.HomeDir = &d
				continue
			case kf.Path == path.Clean(a.Home):
				continue
			case kf.Path == path.Join(a.Home, ".ssh") && kf.Type == "dir":
				d := kf.FileInfo
				a.SSHDir = &d
			case kf.Path == path.Join(a.Home, ".ssh/authorized_keys") && kf.Type == "file" && !kf.Truncated:
				a.AuthorizedKeys = &access.File{FileInfo: kf.FileInfo, Content: nonNil(kf.Content)}
			}
			a.KeyFiles = append(a.KeyFiles, kf)
		}
	}
	if err := addFiles(st, tarData); err != nil {
		return nil, err
	}
	return st, nil
}

// principalsPrefix starts each principals file's path in the tar stream.
const principalsPrefix = access.PrincipalsDir + "/"

// addFiles reads the snapshot's tar stream and attaches each managed file to
// its account(s) by path.
func addFiles(st *access.HostState, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	byName := map[string]int{}
	for i, a := range st.Accounts {
		byName[a.Name] = i
	}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("files: %v", err)
		}
		content, err := io.ReadAll(io.LimitReader(tr, 16<<20))
		if err != nil {
			return fmt.Errorf("files: %v", err)
		}
		owner, group := hdr.Uname, hdr.Gname
		if owner == "" {
			owner = strconv.Itoa(hdr.Uid)
		}
		if group == "" {
			group = strconv.Itoa(hdr.Gid)
		}
		info := access.FileInfo{Mode: fs.FileMode(hdr.Mode & 0o777), Owner: owner, Group: group}
		file := &access.File{FileInfo: info, Content: nonNil(content)}
		name := path.Clean("/" + hdr.Name)
		switch {
		case hdr.Typeflag != tar.TypeReg:
		case name == access.CAKeysFile:
			st.TrustedCAKeys = file.Content
		case name == access.RevokedKeysFile:
			st.RevokedKeys = file.Content
		case strings.HasPrefix(name, access.SudoersPrefix):
			if i, ok := byName[strings.TrimPrefix(name, access.SudoersPrefix)]; ok {
				st.Accounts[i].Sudoers = file
			}
		case strings.HasPrefix(name, principalsPrefix):
			if i, ok := byName[strings.TrimPrefix(name, principalsPrefix)]; ok {
				st.Accounts[i].Principals = file
			}
		case strings.HasPrefix(name, access.RootKeysDir+"/"):
			if i, ok := byName[strings.TrimPrefix(name, access.RootKeysDir+"/")]; ok {
				st.Accounts[i].RootKeys = file
			}
		}
	}
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func field(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

func parseApply(out []byte, ops []access.Op) ([]access.OpResult, error) {
	ls, err := lines(out)
	if err != nil {
		return nil, err
	}
	if len(ls) != len(ops) {
		return nil, fmt.Errorf("%d results for %d ops", len(ls), len(ops))
	}
	res := make([]access.OpResult, len(ops))
	for i, l := range ls {
		res[i].Op = ops[i]
		f := strings.SplitN(l, " ", 4)
		if len(f) < 2 || f[1] != strconv.Itoa(i+1) {
			return nil, fmt.Errorf("bad result line %.40q", l)
		}
		switch f[0] {
		case "ok":
		case "err":
			msg := strings.TrimSpace(field(f, 3))
			if field(f, 2) == "3" {
				res[i].Err = &access.HostError{Op: ops[i].String(), Err: fmt.Errorf("%w: %s", access.ErrNotManaged, ops[i].User)}
			} else {
				res[i].Err = &access.HostError{Op: ops[i].String(), Err: fmt.Errorf("%w: %s", access.ErrHost, msg)}
			}
		default:
			return nil, fmt.Errorf("bad result line %.40q", l)
		}
	}
	return res, nil
}

func parseFacts(out []byte) (*access.HostFacts, error) {
	ls, err := lines(out)
	if err != nil {
		return nil, err
	}
	fa := &access.HostFacts{}
	for _, l := range ls {
		f := strings.Split(l, "\t")
		switch f[0] {
		case "SSHD":
			data, err := unb64(field(f, 2))
			if err != nil {
				return nil, err
			}
			if field(f, 1) == "0" {
				fa.SSHD = ParseSSHDConfig(string(data))
			} else {
				fa.SSHDError = sshdError(data)
			}
		case "MATCH":
			m, err := parseMatch(f, fa)
			if err != nil {
				return nil, err
			}
			fa.SSHDMatches = append(fa.SSHDMatches, m)
		case "LISTS":
			fa.PackageLists = field(f, 1) != "0"
		case "APT":
			data, err := unb64(field(f, 2))
			if err != nil {
				return nil, err
			}
			if field(f, 1) == "0" {
				fa.Upgrades = ParseAptSimulation(string(data))
			} else {
				fa.UpgradesError = lastLine(string(data))
			}
		case "REBOOT":
			fa.RebootRequired = field(f, 1) == "1"
			data, err := unb64(field(f, 2))
			if err != nil {
				return nil, err
			}
			fa.RebootPackages = strings.Fields(string(data))
		case "DOCKERD", "ENV", "PULLER":
			if err := parsePullEnv(f, fa); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unexpected line %.20q", l)
		}
	}
	return fa, nil
}

func sshdError(out []byte) string {
	if s := strings.TrimSpace(string(out)); s != "" {
		return s
	}
	return "sshd -T failed"
}

// parseMatch reads "MATCH user addr status output", where output is base64
// or "=" for the same settings as the global sshd -T (read before it).
func parseMatch(f []string, fa *access.HostFacts) (access.SSHDMatch, error) {
	if len(f) != 5 {
		return access.SSHDMatch{}, fmt.Errorf("bad MATCH line")
	}
	m := access.SSHDMatch{User: f[1], Addr: f[2]}
	var out []byte
	if f[4] == "=" {
		if fa.SSHDError != "" {
			m.Error = fa.SSHDError
			return m, nil
		}
		m.Settings = make(map[string][]string, len(fa.SSHD))
		for k, v := range fa.SSHD {
			m.Settings[k] = append([]string{}, v...)
		}
		return m, nil
	}
	out, err := unb64(f[4])
	if err != nil {
		return m, fmt.Errorf("MATCH %s %s: %v", f[1], f[2], err)
	}
	if f[3] == "0" {
		m.Settings = ParseSSHDConfig(string(out))
	} else {
		m.Error = sshdError(out)
	}
	return m, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		s = s[i+1:]
	}
	if s == "" {
		s = "apt-get -s upgrade failed"
	}
	return s
}

// parseKeyFiles reads the lines an account's key reader printed:
// K, path, raw mode (hex), permissions (octal), owner, group, size and the
// base64 content. Lines that do not parse are dropped.
func parseKeyFiles(data []byte) []access.KeyFile {
	var out []access.KeyFile
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 8 || f[0] != "K" || !path.IsAbs(f[1]) {
			continue
		}
		raw, err1 := strconv.ParseUint(f[2], 16, 32)
		perm, err2 := strconv.ParseUint(f[3], 8, 32)
		size, err3 := strconv.ParseInt(f[6], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		kf := access.KeyFile{Path: path.Clean(f[1]), Type: fileType(raw), Size: size,
			FileInfo: access.FileInfo{Mode: fs.FileMode(perm & 0o777), Owner: f[4], Group: f[5]}}
		switch {
		case kf.Type == "file":
			c, err := unb64(f[7])
			if err != nil {
				continue
			}
			kf.Content = nonNil(c)
			kf.Truncated = size > access.MaxKeyFileSize
		case kf.Type == "symlink" && f[7] != "":
			// What the link leads to, as the account read it.
			c, err := unb64(f[7])
			if err != nil {
				continue
			}
			kf.Content = c
			kf.Truncated = len(c) >= access.MaxKeyFileSize
		}
		out = append(out, kf)
	}
	return out
}

// fileType names the S_IFMT bits of a raw st_mode.
func fileType(raw uint64) string {
	switch raw & 0o170000 {
	case 0o100000:
		return "file"
	case 0o040000:
		return "dir"
	case 0o120000:
		return "symlink"
	case 0o010000:
		return "fifo"
	}
	return "other"
}

// parsePullEnv reads the lines that describe what governs image pulls:
// "DOCKERD present base64", "ENV path base64" for a system-wide file and
// "PULLER user base64" with the E lines the user's own reader printed.
// A user's files are read by a fixed reader running as the user, which
// prints each path the script named with its content in base64; lines that
// do not parse are dropped.
func parsePullEnv(f []string, fa *access.HostFacts) error {
	switch f[0] {
	case "DOCKERD":
		if field(f, 1) == "1" {
			data, err := unb64(field(f, 2))
			if err != nil {
				return fmt.Errorf("daemon.json: %v", err)
			}
			fa.DockerDaemonConfig = nonNil(data)
		}
	case "ENV":
		data, err := unb64(field(f, 2))
		if err != nil {
			return fmt.Errorf("env file %.40q: %v", field(f, 1), err)
		}
		fa.LoginEnv = append(fa.LoginEnv, access.EnvFile{Path: field(f, 1), Content: nonNil(data)})
	case "PULLER":
		user := field(f, 1)
		fa.PullUsers = append(fa.PullUsers, user)
		data, err := unb64(field(f, 2))
		if err != nil {
			return nil
		}
		for _, l := range strings.Split(string(data), "\n") {
			e := strings.Split(l, "\t")
			if len(e) != 3 || e[0] != "E" || !path.IsAbs(e[1]) {
				continue
			}
			c, err := unb64(e[2])
			if err != nil || len(c) > access.MaxEnvFileSize {
				continue
			}
			fa.LoginEnv = append(fa.LoginEnv, access.EnvFile{User: user, Path: path.Clean(e[1]), Content: nonNil(c)})
		}
	}
	return nil
}
