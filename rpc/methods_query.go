package rpc

import (
	"slices"
	"strconv"
	"time"

	"haul/downloader"
)

func (s *Server) tellStatus(_ callCtx, p args) (any, error) {
	gid, err := s.gid(p, 0)
	if err != nil {
		return nil, err
	}
	keys, err := p.keys(1)
	if err != nil {
		return nil, err
	}
	snap, removed, err := s.lookup(gid)
	if err != nil {
		return nil, err
	}
	return filterKeys(status(snap, removed), keys), nil
}

func (s *Server) getURIs(_ callCtx, p args) (any, error) {
	snap, _, err := s.lookupParam(p)
	if err != nil {
		return nil, err
	}
	return uris(snap), nil
}

func (s *Server) getFiles(_ callCtx, p args) (any, error) {
	snap, _, err := s.lookupParam(p)
	if err != nil {
		return nil, err
	}
	return files(snap), nil
}

func (s *Server) tellActive(_ callCtx, p args) (any, error) {
	keys, err := p.keys(0)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, t := range s.engine.List() {
		if t.State == downloader.StateActive {
			out = append(out, filterKeys(status(t, false), keys))
		}
	}
	return out, nil
}

// window picks aria2's page of n items: from offset forward, or, for a
// negative offset, from that far from the end backward.
func window(n, offset, num int) []int {
	var idx []int
	if num <= 0 {
		return idx
	}
	if offset >= 0 {
		for i := offset; i < n && len(idx) < num; i++ {
			idx = append(idx, i)
		}
		return idx
	}
	for i := n + offset; i >= 0 && len(idx) < num; i-- {
		if i < n {
			idx = append(idx, i)
		}
	}
	return idx
}

// page reads (offset, num, keys) starting at parameter 0.
func page(p args) (offset, num int, keys []string, err error) {
	if offset, err = p.integer(0, "offset", 0); err != nil {
		return
	}
	if !p.has(1) {
		return 0, 0, nil, failf("num must be an integer.")
	}
	if num, err = p.integer(1, "num", 0); err != nil {
		return
	}
	keys, err = p.keys(2)
	return
}

func (s *Server) tellWaiting(_ callCtx, p args) (any, error) {
	offset, num, keys, err := page(p)
	if err != nil {
		return nil, err
	}
	var list []downloader.Snapshot
	for _, t := range s.engine.List() {
		if waiting(t.State) {
			list = append(list, t)
		}
	}
	out := []map[string]any{}
	for _, i := range window(len(list), offset, num) {
		out = append(out, filterKeys(status(list[i], false), keys))
	}
	return out, nil
}

func (s *Server) tellStopped(_ callCtx, p args) (any, error) {
	offset, num, keys, err := page(p)
	if err != nil {
		return nil, err
	}
	type entry struct {
		snap    downloader.Snapshot
		at      time.Time
		removed bool
	}
	var list []entry
	for _, t := range s.engine.List() {
		if stopped(t.State) {
			at := t.Finished
			if at.IsZero() {
				at = t.Created
			}
			list = append(list, entry{t, at, false})
		}
	}
	for _, r := range s.results.all() {
		list = append(list, entry{r.snap, r.at, true})
	}
	// Oldest first, as aria2 lists its results.
	slices.SortStableFunc(list, func(a, b entry) int { return a.at.Compare(b.at) })
	out := []map[string]any{}
	for _, i := range window(len(list), offset, num) {
		out = append(out, filterKeys(status(list[i].snap, list[i].removed), keys))
	}
	return out, nil
}

func (s *Server) getGlobalStat(callCtx, args) (any, error) {
	st := s.engine.Stats()
	removed, dropped := s.results.counts()
	stoppedN := st.Completed + st.Failed + removed
	return map[string]string{
		"downloadSpeed":   itoa(st.Speed),
		"uploadSpeed":     "0",
		"numActive":       strconv.Itoa(st.Active),
		"numWaiting":      strconv.Itoa(st.Queued + st.Paused),
		"numStopped":      strconv.Itoa(stoppedN),
		"numStoppedTotal": strconv.Itoa(stoppedN + dropped),
	}, nil
}
