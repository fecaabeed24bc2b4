package downloader

// checkpoint makes the claimed bytes durable, then records them: the
// counters are read before the sync, so the record never claims a byte
// that was not synced.
func (r *run) checkpoint() error {
	t := r.t
	t.mu.Lock()
	segs := compact(t.segmentsLocked())
	t.mu.Unlock()
	if err := r.file.Sync(); err != nil {
		return diskError("sync part file", err)
	}
	t.mu.Lock()
	t.rec.Segments = segs // durable now; what recordLocked may claim
	t.mu.Unlock()
	if err := t.m.store.PutSegments(t.id, segs); err != nil {
		// The bytes are safe; only the record lags. Say so once and go on.
		t.mu.Lock()
		t.logLocked("Could not save progress: " + err.Error())
		t.mu.Unlock()
	}
	r.startMirrors() // mirrors are checked once some bytes are durable (mirrors.go)
	return nil
}
