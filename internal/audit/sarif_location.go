package audit

import (
	"path"
	"strconv"
	"strings"
)

// SARIFResourceDir is the directory under which [Report.WriteSARIF]
// places the artifact URI of a resource that is not a line of a file;
// see [SARIFLocation].
const SARIFResourceDir = "opskit/"

// SARIFLocation returns the artifact URI and start line that
// [Report.WriteSARIF] gives a finding on resource in a report on target.
// Every result gets one, because GitHub code scanning rejects results
// without a physical location. The scheme is stable, so an alert keeps
// its place across runs:
//
//   - A resource of the form PATH:LINE, where PATH has no spaces, no
//     colon and no ".." element and LINE is a line number from 1, is a
//     line of a file: the URI is PATH (cleaned, percent-encoded, an
//     absolute path without its leading slash so that it reads from the
//     root of the repository, where GitHub looks for it) and the start
//     line is LINE. "/etc/postgresql/15/main/pg_hba.conf:90" becomes
//     "etc/postgresql/15/main/pg_hba.conf", line 90; "Dockerfile:12"
//     becomes "Dockerfile", line 12.
//   - Any other resource ("host db1 sshd permitrootlogin", "setting ssl",
//     an ARN) is [SARIFResourceDir] followed by the whole resource
//     percent-encoded as one path segment (everything but ASCII letters,
//     digits and "-._~"), at line 1: "opskit/setting%20ssl". Name such
//     resources with a kind word first ("host db1:22", not "db1:22") so
//     they are not read as a file and a line.
//   - A finding without a resource is placed on the target the same way,
//     or on "opskit/-" when the report has no target either.
func SARIFLocation(resource, target string) (uri string, line int) {
	if file, n, ok := fileLine(resource); ok {
		return file, n
	}
	if resource == "" {
		resource = target
	}
	if resource == "" {
		resource = "-"
	}
	return SARIFResourceDir + escapeSegment(resource), 1
}

// fileLine splits "PATH:LINE" into a relative, percent-encoded URI and a
// line number, reporting whether resource has that form.
func fileLine(resource string) (string, int, bool) {
	i := strings.LastIndexByte(resource, ':')
	if i <= 0 {
		return "", 0, false
	}
	p, num := resource[:i], resource[i+1:]
	if num == "" || len(num) > 9 || num[0] == '0' || digitRun(num) != len(num) {
		return "", 0, false
	}
	if strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' || r == ':' || r == 0x7f }) {
		return "", 0, false
	}
	p = strings.TrimLeft(path.Clean(p), "/")
	if p == "" || p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", 0, false
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = escapeSegment(s)
	}
	n, _ := strconv.Atoi(num)
	return strings.Join(segs, "/"), n, true
}

// escapeSegment percent-encodes s as one URI path segment: every byte but
// the RFC 3986 unreserved characters, and the dots of "." and "..", which
// would otherwise mean a directory.
func escapeSegment(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
