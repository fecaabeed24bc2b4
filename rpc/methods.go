package rpc

import (
	"errors"
	"slices"
	"time"

	"haul/downloader"
)

// method is one RPC method.
type method struct {
	fn func(ctx callCtx, p args) (any, error)
	// public methods need no token (aria2 exempts these system methods;
	// multicall checks the token of every call inside it).
	public bool
	// handoff methods are also served when Config.HandoffOnly is set.
	handoff bool
}

// notifications aria2 documents; Haul never sends the BitTorrent one.
var notificationNames = []string{
	"aria2.onDownloadStart",
	"aria2.onDownloadPause",
	"aria2.onDownloadStop",
	"aria2.onDownloadComplete",
	"aria2.onDownloadError",
	"aria2.onBtDownloadComplete",
}

func (s *Server) registerMethods() {
	all := map[string]method{
		"aria2.addUri":               {fn: s.addURI, handoff: true},
		"aria2.addTorrent":           {fn: unsupported},
		"aria2.addMetalink":          {fn: unsupported},
		"aria2.getPeers":             {fn: s.getPeers},
		"aria2.changeUri":            {fn: s.changeURI},
		"aria2.remove":               {fn: s.remove},
		"aria2.forceRemove":          {fn: s.remove},
		"aria2.pause":                {fn: s.pause},
		"aria2.forcePause":           {fn: s.pause},
		"aria2.pauseAll":             {fn: s.pauseAll},
		"aria2.forcePauseAll":        {fn: s.pauseAll},
		"aria2.unpause":              {fn: s.unpause},
		"aria2.unpauseAll":           {fn: s.unpauseAll},
		"aria2.tellStatus":           {fn: s.tellStatus},
		"aria2.getUris":              {fn: s.getURIs},
		"aria2.getFiles":             {fn: s.getFiles},
		"aria2.getServers":           {fn: s.getServers},
		"aria2.tellActive":           {fn: s.tellActive},
		"aria2.tellWaiting":          {fn: s.tellWaiting},
		"aria2.tellStopped":          {fn: s.tellStopped},
		"aria2.changePosition":       {fn: s.changePosition},
		"aria2.getOption":            {fn: s.getOption},
		"aria2.changeOption":         {fn: s.changeOption},
		"aria2.getGlobalOption":      {fn: s.getGlobalOption},
		"aria2.changeGlobalOption":   {fn: s.changeGlobalOption},
		"aria2.getGlobalStat":        {fn: s.getGlobalStat},
		"aria2.purgeDownloadResult":  {fn: s.purgeDownloadResult},
		"aria2.removeDownloadResult": {fn: s.removeDownloadResult},
		"aria2.getVersion":           {fn: s.getVersion, handoff: true},
		"aria2.getSessionInfo":       {fn: s.getSessionInfo},
		"aria2.shutdown":             {fn: s.shutdown(false)},
		"aria2.forceShutdown":        {fn: s.shutdown(true)},
		"aria2.saveSession":          {fn: ok},
		"system.multicall":           {fn: s.multicall, public: true, handoff: true},
		"system.listMethods":         {fn: s.listMethods, public: true, handoff: true},
		"system.listNotifications":   {fn: s.listNotifications, public: true, handoff: true},
		"haul.show":                  {fn: s.show, handoff: true},
		"haul.listen":                {fn: s.listenChanges},
	}
	s.methods = map[string]method{}
	for name, m := range all {
		if s.cfg.HandoffOnly && !m.handoff {
			continue
		}
		s.methods[name] = m
	}
}

func ok(callCtx, args) (any, error) { return "OK", nil }

func unsupported(callCtx, args) (any, error) { return nil, errTorrent }

// getPeers answers [] for a download Haul has (HTTP has no peers), as
// aria2 does for an HTTP download.
func (s *Server) getPeers(_ callCtx, p args) (any, error) {
	if _, _, err := s.lookupParam(p); err != nil {
		return nil, err
	}
	return []any{}, nil
}

func (s *Server) listMethods(callCtx, args) (any, error) {
	names := make([]string, 0, len(s.methods))
	for n := range s.methods {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

func (s *Server) listNotifications(callCtx, args) (any, error) {
	if s.cfg.HandoffOnly {
		return []string{}, nil
	}
	return notificationNames, nil
}

func (s *Server) show(callCtx, args) (any, error) {
	if s.cfg.OnShow != nil {
		s.cfg.OnShow()
	}
	return "OK", nil
}

func (s *Server) getVersion(callCtx, args) (any, error) {
	return map[string]any{
		"version":         s.cfg.Version,
		"enabledFeatures": []string{"HTTPS"},
	}, nil
}

func (s *Server) getSessionInfo(callCtx, args) (any, error) {
	return map[string]string{"sessionId": s.sessionID}, nil
}

func (s *Server) shutdown(force bool) func(callCtx, args) (any, error) {
	return func(callCtx, args) (any, error) {
		if s.cfg.OnShutdown == nil {
			return nil, failf("Haul cannot be shut down over RPC.")
		}
		// Answer first: the callback may close this server.
		time.AfterFunc(100*time.Millisecond, func() { s.cfg.OnShutdown(force) })
		return "OK", nil
	}
}

// lookup finds a task in the engine, or among the removed results.
func (s *Server) lookup(gid string) (snap downloader.Snapshot, removed bool, err error) {
	snap, err = s.engine.Get(gid)
	if err == nil {
		return snap, false, nil
	}
	if r, ok := s.results.get(gid); ok {
		return r, true, nil
	}
	if errors.Is(err, downloader.ErrNotFound) {
		return snap, false, failf("GID %s is not found", gid)
	}
	return snap, false, err
}

// lookupParam is lookup of the task whose GID is parameter 0.
func (s *Server) lookupParam(p args) (snap downloader.Snapshot, removed bool, err error) {
	gid, err := s.gid(p, 0)
	if err != nil {
		return snap, false, err
	}
	return s.lookup(gid)
}

// live finds a task that is still in the engine.
func (s *Server) live(p args) (downloader.Snapshot, error) {
	gid, err := s.gid(p, 0)
	if err != nil {
		return downloader.Snapshot{}, err
	}
	snap, err := s.engine.Get(gid)
	if err != nil {
		if errors.Is(err, downloader.ErrNotFound) {
			return snap, failf("Active Download not found for GID#%s", gid)
		}
		return snap, err
	}
	return snap, nil
}

func stopped(st downloader.State) bool {
	return st == downloader.StateCompleted || st == downloader.StateFailed
}

func (s *Server) remove(_ callCtx, p args) (any, error) {
	snap, err := s.live(p)
	if err != nil {
		return nil, err
	}
	if stopped(snap.State) {
		return nil, failf("Active Download not found for GID#%s", snap.ID)
	}
	if err := s.engine.Remove(snap.ID, false); err != nil {
		return nil, err
	}
	s.results.add(snap)
	return snap.ID, nil
}

func (s *Server) pause(_ callCtx, p args) (any, error) {
	snap, err := s.live(p)
	if err != nil {
		return nil, err
	}
	if snap.State != downloader.StateActive && snap.State != downloader.StateQueued {
		return nil, failf("GID#%s cannot be paused now", snap.ID)
	}
	if err := s.engine.Pause(snap.ID); err != nil {
		return nil, err
	}
	return snap.ID, nil
}

func (s *Server) unpause(_ callCtx, p args) (any, error) {
	snap, err := s.live(p)
	if err != nil {
		return nil, err
	}
	// A failed task is resumed too (after aria2.changeUri gave it a
	// fresh link, say).
	if snap.State != downloader.StatePaused && snap.State != downloader.StateFailed {
		return nil, failf("GID#%s cannot be unpaused now", snap.ID)
	}
	if err := s.engine.Resume(snap.ID); err != nil {
		return nil, err
	}
	return snap.ID, nil
}

func (s *Server) pauseAll(callCtx, args) (any, error) {
	s.engine.PauseAll()
	return "OK", nil
}

func (s *Server) unpauseAll(callCtx, args) (any, error) {
	s.engine.ResumeAll()
	return "OK", nil
}

// changePosition moves a waiting or paused task within aria2's waiting
// queue and answers its new place there (an integer, as aria2 does).
func (s *Server) changePosition(_ callCtx, p args) (any, error) {
	gid, err := s.gid(p, 0)
	if err != nil {
		return nil, err
	}
	pos, err := p.integer(1, "pos", 0)
	if err != nil {
		return nil, err
	}
	how, err := p.str(2, "how")
	if err != nil {
		return nil, err
	}
	return s.reposition(gid, pos, how)
}

func waiting(st downloader.State) bool {
	return st == downloader.StateQueued || st == downloader.StatePaused
}

// reposition implements changePosition with Manager.Move: Haul's queue
// also holds active and finished tasks, so the task steps past those too.
func (s *Server) reposition(gid string, pos int, how string) (int, error) {
	list := s.engine.List()
	var wait []int // indexes into list of waiting tasks
	cur := -1
	for i, t := range list {
		if waiting(t.State) {
			if t.ID == gid {
				cur = len(wait)
			}
			wait = append(wait, i)
		}
	}
	if cur < 0 {
		if _, err := s.engine.Get(gid); err != nil {
			return 0, failf("GID %s is not found", gid)
		}
		return 0, failf("GID#%s not found in the waiting queue.", gid)
	}
	n := len(wait)
	var dest int
	switch how {
	case "POS_SET":
		dest = pos
	case "POS_CUR":
		dest = cur + pos
	case "POS_END":
		dest = n - 1 + pos
	default:
		return 0, failf("Invalid 'how' parameter: %s", truncate(how, 20))
	}
	dest = min(max(dest, 0), n-1)
	if dest == cur {
		return dest, nil
	}
	// Steps in the whole queue from the task to the waiting task it takes
	// the place of.
	from, to := wait[cur], wait[dest]
	dir, steps := downloader.MoveUp, from-to
	if to > from {
		dir, steps = downloader.MoveDown, to-from
	}
	for range steps {
		if err := s.engine.Move(gid, dir); err != nil {
			return 0, err
		}
	}
	return dest, nil
}

// getServers answers for an active task: its link and where it points now.
func (s *Server) getServers(_ callCtx, p args) (any, error) {
	snap, err := s.live(p)
	if err != nil {
		return nil, err
	}
	if snap.State != downloader.StateActive {
		return nil, failf("No active download for GID#%s", snap.ID)
	}
	current := snap.FinalURL
	if current == "" {
		current = snap.URL
	}
	return []map[string]any{{
		"index": "1",
		"servers": []map[string]string{{
			"uri": downloader.RedactURL(snap.URL), "currentUri": downloader.RedactURL(current), "downloadSpeed": itoa(snap.Speed),
		}},
	}}, nil
}

func (s *Server) removeDownloadResult(_ callCtx, p args) (any, error) {
	gid, err := s.gid(p, 0)
	if err != nil {
		return nil, err
	}
	if s.results.forget(gid) {
		return "OK", nil
	}
	snap, err := s.engine.Get(gid)
	if err != nil || !stopped(snap.State) {
		return nil, failf("Could not remove download result of GID#%s", gid)
	}
	if err := s.removeResult(gid); err != nil {
		return nil, err
	}
	return "OK", nil
}

// removeResult removes a finished task from Haul's list, keeping its file
// and announcing nothing (aria2 sends no notification for this).
func (s *Server) removeResult(id string) error {
	s.results.hush(id)
	if err := s.engine.Remove(id, false); err != nil {
		s.results.unhush(id)
		if errors.Is(err, downloader.ErrNotFound) {
			return nil
		}
		return err
	}
	return nil
}

func (s *Server) purgeDownloadResult(callCtx, args) (any, error) {
	var errs []error
	for _, t := range s.engine.List() {
		if stopped(t.State) {
			errs = append(errs, s.removeResult(t.ID))
		}
	}
	s.results.purge()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return "OK", nil
}
