package bus

import "sync"

// notifier runs the caller's callbacks in order on its own goroutine, so a
// callback that blocks or calls back into the Conn (even Close) cannot stall
// or deadlock recovery.
type notifier struct {
	mu      sync.Mutex
	fns     []func()
	running bool
}

// post queues f; a goroutine runs queued callbacks until none are left.
func (n *notifier) post(f func()) {
	n.mu.Lock()
	n.fns = append(n.fns, f)
	if n.running {
		n.mu.Unlock()
		return
	}
	n.running = true
	n.mu.Unlock()
	go n.loop()
}

func (n *notifier) loop() {
	for {
		n.mu.Lock()
		if len(n.fns) == 0 {
			n.running = false
			n.mu.Unlock()
			return
		}
		f := n.fns[0]
		n.fns[0] = nil
		n.fns = n.fns[1:]
		n.mu.Unlock()
		f()
	}
}
