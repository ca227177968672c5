// Package file tails log files and globs into a logging pipeline with
// durable checkpoints.
//
// Hold a *Source from NewSource(Options) and run it with a logging.Pipeline;
// Syslog, Ossec and PostgreSQL give Options for common logs. Its Files and
// Stats report what it tracks.
//
// A file is identified by a fingerprint of its first bytes (SHA-256 of up
// to FingerprintBytes), with its inode as a hint, so a rename, an inode
// reused by another file, or a copytruncate rotation does not make the
// source skip or repeat data. Checkpoints record, per file, the offset
// every sink acknowledged; they are written atomically (temporary file,
// fsync, rename, directory fsync) after each acknowledged batch, so a
// crash repeats at most the batch in flight. The checkpoint holds one entry
// per file on disk: a finished file's entry leaves once no path matches it,
// and a restored entry whose file no path matches for RotateWait (deleted
// or moved out of the globs while the source was down) is dropped too.
//
// Every line is one event (without its newline and a trailing CR), a blank
// line too: a sink that cannot store an empty message (CloudWatch) skips it
// and counts it under logging.ReasonEmpty, so it never holds up the lines
// after it.
//
// Rotation by rename: the open descriptor follows the renamed file, which
// is read to its end (and RotateWait longer) before the new file at the
// path is opened. Rotation by copytruncate: when the file shrinks below the
// read offset, the source looks for the copy among the matched paths (same
// fingerprint, another inode) and reads the rest from it; include the
// rotated name in the glob (app.log*) so nothing written between the last
// read and the copy is lost.
package file
