package audit

import (
	"slices"
	"testing"
)

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"pg_hba.conf:90", "pg_hba.conf:102", -1},
		{"pg_hba.conf:102", "pg_hba.conf:90", 1},
		{"web2", "web10", -1},
		{"host web1 user a", "host web1 user b", -1},
		{"a", "a", 0},
		{"", "a", -1},
		{"a1", "a", 1},
		{"7", "007", 1}, // equal value: byte order keeps the order total
		{"x:0009", "x:10", -1},
		{"99999999999999999999999", "100000000000000000000000", -1}, // beyond int64
		{"role a", "role B", 1},
	}
	for _, tt := range tests {
		if got := naturalCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("naturalCompare(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
		if got := naturalCompare(tt.b, tt.a); got != -tt.want {
			t.Errorf("naturalCompare(%q, %q) = %d; want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestSortFindingsNaturalResources(t *testing.T) {
	c := Check{ID: "database.pg_hba.trust", Title: "trust", Severity: SeverityCritical}
	f := []Finding{c.Fail("pg_hba.conf:102", ""), c.Fail("pg_hba.conf:9", ""), c.Fail("pg_hba.conf:90", "")}
	SortFindings(f)
	var got []string
	for _, x := range f {
		got = append(got, x.Resource)
	}
	if want := []string{"pg_hba.conf:9", "pg_hba.conf:90", "pg_hba.conf:102"}; !slices.Equal(got, want) {
		t.Errorf("sorted resources %q; want %q", got, want)
	}
}
