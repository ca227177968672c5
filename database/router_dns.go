package database

import (
	"context"
	"net"
	"slices"
	"time"
)

// Resolver resolves host names; *net.Resolver satisfies it.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

type netResolver struct{}

func (netResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	return net.DefaultResolver.LookupHost(ctx, host)
}

func (r *Router) dnsLoop(ctx context.Context) {
	defer r.wg.Done()
	r.resolveAll(ctx)
	t := time.NewTicker(r.opts.DNSInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.resolveAll(ctx)
		}
	}
}

// resolveAll re-resolves the host name of every node DialRouter made. When the addresses of a
// name change (an RDS failover moves the endpoint), the node's pool is reset
// so that new connections dial the new address and none stays pinned to the
// old one, and a probe round follows.
func (r *Router) resolveAll(ctx context.Context) {
	changed := false
	for _, n := range r.nodes {
		pn, ok := n.node.(*pgNode)
		if !ok || pn.host == "" || pn.host[0] == '/' || net.ParseIP(pn.host) != nil {
			continue // not dialled by DialRouter, unix socket or literal address
		}
		lctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
		addrs, err := r.opts.Resolver.LookupHost(lctx, pn.host)
		cancel()
		if err != nil || len(addrs) == 0 {
			continue
		}
		addrs = slices.Clone(addrs)
		slices.Sort(addrs)
		n.mu.Lock()
		prev := n.addrs
		n.addrs = addrs
		n.mu.Unlock()
		if prev != nil && !slices.Equal(prev, addrs) {
			n.node.Reset()
			r.emit(EventDNSChanged, n, nil)
			changed = true
		}
	}
	if changed {
		r.trigger()
	}
}
