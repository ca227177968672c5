package database

import (
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// libpqTLSEnv returns the PGSSL* variables that give pg_dump and
// pg_restore the TLS settings the DSN gave pgx: the same sslmode (so
// verify-full stays verify-full), CA bundle and client certificate. A DSN
// without them falls back to the PGSSL* variables of this process, as pgx
// does, and then to pgx's default, prefer.
func libpqTLSEnv(cfg *pgconn.Config, dsn string) []string {
	if cfg.TLSConfig == nil {
		return []string{"PGSSLMODE=disable"}
	}
	params := dsnParams(dsn)
	var env []string
	for _, p := range []struct{ key, env, def string }{
		{"sslmode", "PGSSLMODE", "prefer"},
		{"sslrootcert", "PGSSLROOTCERT", ""},
		{"sslcert", "PGSSLCERT", ""},
		{"sslkey", "PGSSLKEY", ""},
		{"sslcrl", "PGSSLCRL", ""},
	} {
		v, ok := params[p.key]
		if !ok {
			v = os.Getenv(p.env)
		}
		if v == "" {
			v = p.def
		}
		if v != "" {
			env = append(env, p.env+"="+v)
		}
	}
	return env
}

// dsnParams returns the settings of a postgres:// URL or a keyword=value
// DSN; it returns what it can read and never fails (pgx has already
// parsed the DSN).
func dsnParams(dsn string) map[string]string {
	out := map[string]string{}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return out
		}
		for k, v := range u.Query() {
			if len(v) > 0 {
				out[k] = v[len(v)-1]
			}
		}
		return out
	}
	s := dsn
	for {
		s = strings.TrimLeft(s, " \t\n\r\v\f")
		if s == "" {
			return out
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return out
		}
		key := strings.TrimSpace(s[:eq])
		s = strings.TrimLeft(s[eq+1:], " \t\n\r\v\f")
		var val strings.Builder
		if strings.HasPrefix(s, "'") {
			s = s[1:]
			for len(s) > 0 && s[0] != '\'' {
				if s[0] == '\\' && len(s) > 1 {
					s = s[1:]
				}
				val.WriteByte(s[0])
				s = s[1:]
			}
			if len(s) > 0 {
				s = s[1:]
			}
		} else {
			for len(s) > 0 && !strings.ContainsRune(" \t\n\r\v\f", rune(s[0])) {
				if s[0] == '\\' && len(s) > 1 {
					s = s[1:]
				}
				val.WriteByte(s[0])
				s = s[1:]
			}
		}
		out[key] = val.String()
	}
}
