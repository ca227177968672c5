// Package seqrecv is the TCP receiver the logging crash tests count what
// arrived with: lines that start "seq=NNNNNNN" (seven digits), read at a
// bounded rate so the shipper is always busy and a kill lands in the middle
// of a batch. Partial lines from a killed shipper's socket are skipped.
package seqrecv

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// Receiver counts the sequence numbers 0..lines-1 it receives.
type Receiver struct {
	rate int

	mu    sync.Mutex
	seen  []uint16
	total int
	// resets counts connections that ended with an error (RST) rather
	// than EOF: bytes the dead shipper's kernel still held are lost then.
	resets int
	errs   []string
}

// New returns a receiver for sequence numbers below lines that reads at
// most rate bytes per second on each connection (rate <= 0: no bound).
func New(lines, rate int) *Receiver {
	return &Receiver{rate: rate, seen: make([]uint16, lines)}
}

// Serve accepts connections on ln until it is closed.
func (r *Receiver) Serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go r.read(c)
	}
}

func (r *Receiver) read(c net.Conn) {
	defer c.Close()
	var in io.Reader = c
	if r.rate > 0 {
		in = &slowReader{r: c, rate: r.rate, start: time.Now()}
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) < 11 || string(line[:4]) != "seq=" {
			continue // a partial line from a killed shipper's socket
		}
		n, err := strconv.Atoi(string(line[4:11]))
		if err != nil || n >= len(r.seen) {
			continue
		}
		r.mu.Lock()
		r.seen[n]++
		r.total++
		r.mu.Unlock()
	}
	if err := sc.Err(); err != nil {
		r.mu.Lock()
		r.resets++
		r.errs = append(r.errs, err.Error())
		r.mu.Unlock()
	}
}

// Counts returns how many distinct sequence numbers arrived and how many
// lines in all (the difference is the duplicates).
func (r *Receiver) Counts() (distinct, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.seen {
		if c > 0 {
			distinct++
		}
	}
	return distinct, r.total
}

// Missing returns up to max sequence numbers that never arrived, lowest
// first.
func (r *Receiver) Missing(max int) []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for i, c := range r.seen {
		if c == 0 && len(out) < max {
			out = append(out, i)
		}
	}
	return out
}

// Resets returns how many connections ended with an error, and the errors.
func (r *Receiver) Resets() (int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.resets, append([]string(nil), r.errs...)
}

// slowReader limits reads to rate bytes per second.
type slowReader struct {
	r     io.Reader
	rate  int
	start time.Time
	n     int
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(p) > 16<<10 {
		p = p[:16<<10]
	}
	n, err := s.r.Read(p)
	s.n += n
	if ahead := time.Duration(float64(s.n)/float64(s.rate)*float64(time.Second)) - time.Since(s.start); ahead > 0 {
		time.Sleep(ahead)
	}
	return n, err
}
