// Package tcp is a logging sink that writes events to a TCP peer (rsyslog
// imtcp, Fluent Bit or Vector's tcp/socket inputs, Logstash tcp), one line
// per event.
//
// Hold a *Sink from NewSink(Options); it implements logging.Sink. Each event
// is one line: the raw message (Lines), or a JSON object with timestamp,
// host, file and message (JSON). A batch is acknowledged once the peer's
// TCP stack acknowledged every byte (on Linux; elsewhere once written to
// the socket); after a write error the connection is redialled and the
// batch resent, so the receiver may see a batch twice (at least once).
// The sink passes logging/loggingtest against a loopback receiver in
// logging's TestConformance/tcp.
package tcp
