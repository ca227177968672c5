package busfake

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"

	"github.com/opskit-dev/opskit/bus/driver"
)

type exchange struct {
	name       string
	kind       string
	durable    bool
	autoDelete bool
	internal   bool
	args       driver.Table
	bindings   []*binding
}

type binding struct {
	dest       string
	toExchange bool
	key        string
	args       driver.Table
}

// route returns the queues p reaches from exchange name, each once,
// following exchange-to-exchange bindings without cycles. Callers hold b.mu.
func (b *Broker) route(name string, key string, headers driver.Table) []*queue {
	var out []*queue
	seenQ := map[*queue]bool{}
	seenX := map[string]bool{}
	var visit func(x *exchange)
	visit = func(x *exchange) {
		if seenX[x.name] {
			return
		}
		seenX[x.name] = true
		if x.name == "" {
			if q := b.queues[key]; q != nil && !seenQ[q] {
				seenQ[q] = true
				out = append(out, q)
			}
			return
		}
		for _, bd := range x.match(key, headers) {
			if bd.toExchange {
				if nx := b.exchanges[bd.dest]; nx != nil {
					visit(nx)
				}
				continue
			}
			if q := b.queues[bd.dest]; q != nil && !seenQ[q] {
				seenQ[q] = true
				out = append(out, q)
			}
		}
	}
	if x := b.exchanges[name]; x != nil {
		visit(x)
	}
	return out
}

// match returns the bindings of x a message with key and headers takes.
func (x *exchange) match(key string, headers driver.Table) []*binding {
	var out []*binding
	switch x.kind {
	case "fanout":
		return x.bindings
	case "direct":
		for _, bd := range x.bindings {
			if bd.key == key {
				out = append(out, bd)
			}
		}
	case "topic":
		for _, bd := range x.bindings {
			if topicMatch(strings.Split(bd.key, "."), strings.Split(key, ".")) {
				out = append(out, bd)
			}
		}
	case "headers":
		for _, bd := range x.bindings {
			if headersMatch(bd.args, headers) {
				out = append(out, bd)
			}
		}
	case "x-consistent-hash":
		if bd := x.hashPick(key, headers); bd != nil {
			out = append(out, bd)
		}
	}
	return out
}

func topicMatch(pattern, words []string) bool {
	if len(pattern) == 0 {
		return len(words) == 0
	}
	switch pattern[0] {
	case "#":
		for i := 0; i <= len(words); i++ {
			if topicMatch(pattern[1:], words[i:]) {
				return true
			}
		}
		return false
	case "*":
		return len(words) > 0 && topicMatch(pattern[1:], words[1:])
	default:
		return len(words) > 0 && words[0] == pattern[0] && topicMatch(pattern[1:], words[1:])
	}
}

func headersMatch(args, headers driver.Table) bool {
	mode, _ := args["x-match"].(string)
	anyMode := mode == "any"
	matched, total := 0, 0
	for k, want := range args {
		if strings.HasPrefix(k, "x-") {
			continue
		}
		total++
		got, ok := headers[k]
		if ok && (want == nil || sameValue(want, got)) {
			matched++
			if anyMode {
				return true
			}
		}
	}
	if anyMode {
		return false
	}
	return matched == total
}

// sameValue compares AMQP values, treating all integer types alike.
func sameValue(a, b any) bool {
	if ai, ok := toInt(a); ok {
		bi, ok := toInt(b)
		return ok && ai == bi
	}
	switch av := a.(type) {
	case []byte:
		bv, ok := b.([]byte)
		return ok && string(av) == string(bv)
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case driver.Table:
		bv, ok := b.(driver.Table)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, v := range av {
			if !sameValue(v, bv[k]) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !sameValue(av[i], bv[i]) {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) {
			return int64(n), true
		}
	}
	return 0, false
}

// hashPick picks one binding like RabbitMQ's consistent-hash exchange
// (since 3.8): every binding owns as many consecutive buckets as its weight
// (the binding key), in binding order, and jump consistent hashing maps the
// hash of the routing key (or of the hash-header's value) onto a bucket. The
// plugin hashes with erlang:phash2; the fake uses 64-bit FNV-1a, so a key
// may land on another queue than on RabbitMQ, but the spread is as even and
// a key always reaches the same queue while the bindings stay the same.
func (x *exchange) hashPick(key string, headers driver.Table) *binding {
	var buckets []*binding
	for _, bd := range x.bindings {
		w, err := strconv.Atoi(bd.key)
		if err != nil || w <= 0 {
			continue
		}
		for i := 0; i < w; i++ {
			buckets = append(buckets, bd)
		}
	}
	if len(buckets) == 0 {
		return nil
	}
	subject := key
	if hh, _ := x.args["hash-header"].(string); hh != "" {
		v, ok := headers[hh]
		if !ok {
			return nil
		}
		subject = fmt.Sprint(v)
	}
	return buckets[jumpHash(hash64(subject), len(buckets))]
}

// jumpHash is Lamping and Veach's jump consistent hash: it maps key onto
// one of n buckets so that growing n moves only 1/n of the keys.
func jumpHash(key uint64, n int) int {
	b, j := int64(-1), int64(0)
	for j < int64(n) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}

// hash64 is FNV-1a over s, finished with a bit mixer so that keys differing
// only in their last characters spread over the whole range.
func hash64(s string) uint64 {
	f := fnv.New64a()
	_, _ = f.Write([]byte(s))
	h := f.Sum64()
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
