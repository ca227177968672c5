package audit

import "strings"

// naturalCompare orders strings the way people read them: runs of ASCII
// digits compare by numeric value, everything else byte by byte, so
// "pg_hba.conf:90" sorts before "pg_hba.conf:102" and "web2" before
// "web10". Numbers equal in value but written with different leading
// zeros ("7" and "007"), and strings equal apart from that, fall back to
// plain byte order so the order stays total and deterministic.
func naturalCompare(a, b string) int {
	x, y := a, b
	for x != "" && y != "" {
		if isDigit(x[0]) && isDigit(y[0]) {
			nx, ny := digitRun(x), digitRun(y)
			if c := compareNumbers(x[:nx], y[:ny]); c != 0 {
				return c
			}
			x, y = x[nx:], y[ny:]
			continue
		}
		if x[0] != y[0] {
			if x[0] < y[0] {
				return -1
			}
			return 1
		}
		x, y = x[1:], y[1:]
	}
	switch {
	case x == "" && y != "":
		return -1
	case x != "" && y == "":
		return 1
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitRun returns the length of the run of digits s starts with.
func digitRun(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

// compareNumbers compares two digit strings by value, whatever their
// length: leading zeros are ignored, then the longer number is larger,
// then the digits decide.
func compareNumbers(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
