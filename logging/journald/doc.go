// Package journald reads the systemd journal into a logging pipeline with
// a durable cursor, at least once across restarts as logging/file does for
// files.
//
// Hold a *Source from NewSource(Options) and run it with a
// logging.Pipeline. It follows the journal through
// `journalctl --output=json --follow --all`, starting from the tail, from
// the head, or after a cursor; filters by unit, priority, syslog identifier
// and field matches are journalctl's own. Each entry is one event: MESSAGE
// is the message (multi-line messages stay one event; binary values, which
// journalctl prints as arrays of bytes, are kept byte for byte), the
// entry's realtime timestamp its time, and the fields named in
// Options.Fields (by default PRIORITY, _PID, _HOSTNAME, _SYSTEMD_UNIT,
// UNIT, SYSLOG_IDENTIFIER) its Fields under their journal names.
//
// The checkpoint holds the cursor of the last entry every sink
// acknowledged. It is written atomically (temporary file, fsync, rename,
// directory fsync) after each acknowledged batch, and a restart resumes
// after it, so a crash repeats at most the batch in flight. Event.Origin
// and Event.Offset are the journal's sequence-number ID and sequence
// number, so a sink that deduplicates (logging/bulk) stores a repeated
// entry once.
//
// Why journalctl and not a Go library: the journal's on-disk format
// (compression, keyed hashes, compact mode, rotation, file sets of several
// boots and users) is read correctly by the systemd that wrote it, and
// journalctl's JSON export format is documented and stable; the Go binding
// (coreos/go-systemd's sdjournal) needs cgo and libsystemd at build and
// run time, which a static binary in a FROM scratch image cannot have.
// journalctl is restarted after the last entry read if it exits.
package journald
