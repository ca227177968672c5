package lint

import (
	"math"
	"regexp"
	"strings"
)

// shannon returns the Shannon entropy of s in bits per byte.
func shannon(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

var (
	randomToken = regexp.MustCompile(`^[A-Za-z0-9+/=_.~-]{20,}$`)
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	hexPattern  = regexp.MustCompile(`^(?:0x)?[0-9a-fA-F]+$`)
	digestLike  = regexp.MustCompile(`^(?i:sha(?:1|224|256|384|512)[-:]|md5[-:]|h1:|blake2b?[-:])`)
)

// minEntropy is the entropy, in bits per character, from which a string
// of 20 or more characters under a name that says nothing is taken for a
// random secret. Random base62 of that length scores about 4.1; words,
// versions and identifiers score below 3.5.
const minEntropy = 3.7

// looksRandom reports whether v, standing alone as a value, is a
// random-looking secret: one token of at least 20 characters mixing upper
// case, lower case and digits with high entropy. Hex strings (digests,
// commit ids, key fingerprints), UUIDs and sha256-/h1: sums are public
// and never count.
func looksRandom(v string) bool {
	if !randomToken.MatchString(v) || uuidPattern.MatchString(v) || hexPattern.MatchString(v) || digestLike.MatchString(v) {
		return false
	}
	if strings.Count(v, ".") > 2 || strings.Count(v, "-") > 4 || strings.Count(v, "/") > 1 {
		return false // a version, a dotted or dashed name, a path
	}
	var upper, lower, digit bool
	for _, r := range v {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return upper && lower && digit && shannon(v) >= minEntropy
}
