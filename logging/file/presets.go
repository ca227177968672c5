package file

import (
	"regexp"
	"time"
)

// Syslog returns Options for traditional syslog files (/var/log/syslog,
// /var/log/messages: "Jan _2 15:04:05 host prog[pid]: msg"), timestamps
// parsed in the local zone with the year inferred.
func Syslog(paths ...string) Options {
	if len(paths) == 0 {
		paths = []string{"/var/log/syslog", "/var/log/messages"}
	}
	return Options{
		Paths:     paths,
		Timestamp: &Timestamp{Layout: time.Stamp},
		Fields:    map[string]string{"format": "syslog"},
	}
}

// ossecStart matches the first line of an ossec.log record.
var ossecStart = regexp.MustCompile(`^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} `)

// Ossec returns Options for OSSEC/Wazuh's ossec.log ("2006/01/02
// 15:04:05 ossec-analysisd: INFO: ..."), with continuation lines joined to
// the record they belong to.
func Ossec(paths ...string) Options {
	if len(paths) == 0 {
		paths = []string{"/var/ossec/logs/ossec.log"}
	}
	return Options{
		Paths:     paths,
		Timestamp: &Timestamp{Layout: "2006/01/02 15:04:05"},
		Multiline: &Multiline{Start: ossecStart, Timeout: time.Second},
		Fields:    map[string]string{"format": "ossec"},
	}
}

// postgresStart matches the first line of a PostgreSQL stderr log record
// with Debian's default log_line_prefix ("%m [%p] ").
var postgresStart = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \S+ \[\d+\] `)

// PostgreSQL returns Options for a PostgreSQL server log written with
// Debian's default log_line_prefix ('%m [%p] '), such as
// /var/log/postgresql/postgresql-15-main.log: statements spanning several
// lines are joined.
func PostgreSQL(paths ...string) Options {
	return Options{
		Paths: paths,
		Timestamp: &Timestamp{Layout: "2006-01-02 15:04:05.000 MST",
			Regexp: regexp.MustCompile(`^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \S+)`)},
		Multiline: &Multiline{Start: postgresStart, Timeout: time.Second},
		Fields:    map[string]string{"format": "postgresql"},
	}
}
