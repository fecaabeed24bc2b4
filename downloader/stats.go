package downloader

// StatsOf sums up snapshots as Manager.Stats sums up the queue, for
// engines that hold snapshots (a remote queue, a test's fake).
func StatsOf(list []Snapshot) Stats {
	var st Stats
	for _, s := range list {
		st.count(s.State, s.Speed)
	}
	return st
}

// count adds one task in state, moving speed bytes per second.
func (st *Stats) count(state State, speed int64) {
	switch state {
	case StateActive:
		st.Active++
		st.Speed += speed
	case StateQueued:
		st.Queued++
	case StatePaused:
		st.Paused++
	case StateCompleted:
		st.Completed++
	case StateFailed:
		st.Failed++
	}
}
