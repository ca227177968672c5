package sshhost

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
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

// parseStat parses "MODE OWNER GROUP" from stat -c "%a %U %G".
func parseStat(s string) (access.FileInfo, error) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return access.FileInfo{}, fmt.Errorf("bad stat %q", s)
	}
	m, err := strconv.ParseUint(f[0], 8, 32)
	if err != nil {
		return access.FileInfo{}, fmt.Errorf("bad mode %q", f[0])
	}
	return access.FileInfo{Mode: fs.FileMode(m), Owner: f[1], Group: f[2]}, nil
}

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
	type file struct {
		kind, user string
		info       access.FileInfo
		content    []byte
	}
	var files []file
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
		case "D":
			info, err := parseStat(field(f, 2))
			if err != nil {
				return nil, err
			}
			files = append(files, file{kind: "D", user: f[1], info: info})
		case "K", "U", "R":
			info, err := parseStat(field(f, 2))
			if err != nil {
				return nil, err
			}
			c, err := unb64(field(f, 3))
			if err != nil {
				return nil, err
			}
			files = append(files, file{kind: f[0], user: f[1], info: info, content: c})
		case "C":
			if st.TrustedCAKeys, err = unb64(field(f, 1)); err != nil {
				return nil, err
			}
			if st.TrustedCAKeys == nil {
				st.TrustedCAKeys = []byte{}
			}
		case "V":
			if st.RevokedKeys, err = unb64(field(f, 1)); err != nil {
				return nil, err
			}
			if st.RevokedKeys == nil {
				st.RevokedKeys = []byte{}
			}
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
		sort.Strings(st.Accounts[i].Groups)
	}
	for _, fl := range files {
		i, ok := idx[fl.user]
		if !ok {
			continue
		}
		a := &st.Accounts[i]
		info := fl.info
		switch fl.kind {
		case "D":
			a.SSHDir = &info
		case "K":
			a.AuthorizedKeys = &access.File{FileInfo: info, Content: nonNil(fl.content)}
		case "U":
			a.Sudoers = &access.File{FileInfo: info, Content: nonNil(fl.content)}
		case "R":
			a.Principals = &access.File{FileInfo: info, Content: nonNil(fl.content)}
		}
	}
	return st, nil
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
				fa.SSHD = access.ParseSSHDConfig(string(data))
			} else {
				fa.SSHDError = strings.TrimSpace(string(data))
				if fa.SSHDError == "" {
					fa.SSHDError = "sshd -T failed"
				}
			}
		case "LISTS":
			fa.PackageLists = field(f, 1) != "0"
		case "APT":
			data, err := unb64(field(f, 2))
			if err != nil {
				return nil, err
			}
			if field(f, 1) == "0" {
				fa.Upgrades = access.ParseAptSimulation(string(data))
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
		default:
			return nil, fmt.Errorf("unexpected line %.20q", l)
		}
	}
	return fa, nil
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
