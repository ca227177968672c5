package netaudit

import "testing"

func TestWideOpen(t *testing.T) {
	for _, c := range []struct {
		cidr string
		open bool
	}{
		{"0.0.0.0/0", true},
		{"0.0.0.0/1", true},
		{"128.0.0.0/1", true},
		{"100.0.0.0/8", true},     // public except the CGNAT /10
		{"8.8.0.0/15", true},      // two public /16s
		{"8.8.0.0/16", false},     // exactly one /16 is not more than one
		{"203.0.114.0/24", false}, // a narrow public range
		{"10.0.0.0/8", false},     // private, however wide
		{"172.16.0.0/12", false},
		{"192.168.0.0/16", false},
		{"10.0.0.0/7", true}, // 11.0.0.0/8 is public
		{"::/0", true},
		{"2000::/3", true},
		{"2001::/16", true},
		{"2001:db8::/32", false}, // documentation
		{"2001:db9::/32", false}, // one /32: not more than one
		{"2001:dba::/31", true},
		{"2001:db8::/31", false}, // masked: the documentation /32 and one public /32
		{"fc00::/7", false},      // unique local
		{"fe80::/10", false},
		{"not-a-cidr", true},
	} {
		if got := wideOpen(c.cidr, 16, 32); got != c.open {
			t.Errorf("wideOpen(%s) = %v; want %v", c.cidr, got, c.open)
		}
	}
	if !wideOpen("8.8.0.0/16", 17, 32) || wideOpen("0.0.0.0/1", 1, 32) {
		t.Error("the prefix option does not move the line")
	}
}
