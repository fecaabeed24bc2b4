package downloader

import "sync"

// hostSlots caps the connections to one host across all tasks, so two
// tasks from one server share it instead of each opening the maximum.
type hostSlots struct {
	mu     sync.Mutex
	cap    int
	inUse  map[string]int
	capFor map[string]int // learned: the server refused more than this
	// siteCap is a site's own cap for a host (Settings.Sites), 0 = none.
	siteCap func(host string) int
}

func newHostSlots(capacity int) *hostSlots {
	return &hostSlots{cap: capacity, inUse: map[string]int{}, capFor: map[string]int{}}
}

func (h *hostSlots) setCap(n int) {
	h.mu.Lock()
	h.cap = n
	h.mu.Unlock()
}

func (h *hostSlots) limit(host string) int {
	c := h.cap
	if h.siteCap != nil {
		if n := h.siteCap(host); n > 0 {
			c = n
		}
	}
	if l, ok := h.capFor[host]; ok && l < c {
		c = l
	}
	return c
}

// room is how many more connections the host takes now: its cap (a
// site's own, or what the server was learned to allow) less the slots
// taken.
func (h *hostSlots) room(host string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.limit(host) - h.inUse[host]
}

// roomBeyond reports whether the host's cap leaves room for one
// connection more than count, and a slot is free now; it takes none.
func (h *hostSlots) roomBeyond(host string, count int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.limit(host)
	return c > count && h.inUse[host] < c
}

// acquire takes a slot. force is for a task's first connection: a task
// that runs always gets one, or tasks from one busy host would sit
// "active" doing nothing.
func (h *hostSlots) acquire(host string, force bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !force && h.inUse[host] >= h.limit(host) {
		return false
	}
	h.inUse[host]++
	return true
}

func (h *hostSlots) release(host string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.inUse[host] <= 1 {
		delete(h.inUse, host)
		return
	}
	h.inUse[host]--
}

// learn lowers the host's cap after the server refused an extra
// connection while n others were working.
func (h *hostSlots) learn(host string, n int) {
	if n < 1 {
		n = 1
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if l, ok := h.capFor[host]; !ok || n < l {
		h.capFor[host] = n
	}
}
