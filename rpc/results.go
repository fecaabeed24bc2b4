package rpc

import (
	"sync"
	"time"

	"haul/downloader"
)

// maxResults is how many removed results are kept, like aria2's
// --max-download-result default.
const maxResults = 1000

// removedResult is a task removed while the server runs: aria2 keeps it in
// the stopped list with status "removed" until it is purged.
type removedResult struct {
	snap downloader.Snapshot
	at   time.Time
}

// results tracks removed tasks. Haul's engine forgets a removed task, so
// the server remembers it, in memory only.
type results struct {
	mu      sync.Mutex
	list    []removedResult
	dropped int // removed results pushed out by the cap (for numStoppedTotal)
	// quiet holds ids the server itself removes as "download results"
	// (removeDownloadResult, purgeDownloadResult): their EventRemoved must
	// neither add a result nor notify.
	quiet map[string]bool
	// gone holds ids whose result was purged or forgotten: the engine's
	// EventRemoved for them may arrive later still and must not bring
	// the result back.
	gone map[string]bool
}

func newResults() *results { return &results{quiet: map[string]bool{}, gone: map[string]bool{}} }

// add records a removed task once.
func (r *results) add(s downloader.Snapshot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gone[s.ID] {
		return
	}
	for _, x := range r.list {
		if x.snap.ID == s.ID {
			return
		}
	}
	r.list = append(r.list, removedResult{snap: s, at: time.Now()})
	if over := len(r.list) - maxResults; over > 0 {
		r.list = append(r.list[:0:0], r.list[over:]...)
		r.dropped += over
	}
}

// get returns the removed result for id.
func (r *results) get(id string) (downloader.Snapshot, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.list {
		if x.snap.ID == id {
			return x.snap, true
		}
	}
	return downloader.Snapshot{}, false
}

// forget drops one removed result.
func (r *results) forget(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.list {
		if x.snap.ID == id {
			r.list = append(r.list[:i], r.list[i+1:]...)
			// The engine's EventRemoved may still be on its way: it must
			// neither bring the result back nor notify again.
			r.quiet[id] = true
			r.gone[id] = true
			return true
		}
	}
	return false
}

func (r *results) purge() {
	r.mu.Lock()
	for _, x := range r.list {
		r.gone[x.snap.ID] = true
	}
	r.list = nil
	r.mu.Unlock()
}

func (r *results) all() []removedResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]removedResult(nil), r.list...)
}

func (r *results) counts() (n, dropped int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.list), r.dropped
}

// hush marks id as removed by the server as a download result.
func (r *results) hush(id string) {
	r.mu.Lock()
	r.quiet[id] = true
	r.mu.Unlock()
}

// unhush undoes hush when the removal failed.
func (r *results) unhush(id string) {
	r.mu.Lock()
	delete(r.quiet, id)
	r.mu.Unlock()
}

// takeQuiet reports (once) whether id's removal was a hushed one.
func (r *results) takeQuiet(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.quiet[id]
	delete(r.quiet, id)
	return q
}
