package main

import (
	"context"
	"time"

	"haul/cli"
	"haul/downloader"
	"haul/downloader/store"
	"haul/gui"
	"haul/internal/remote"
	"haul/rpc"
)

// engine is what the window and this computer's RPC service drive: the
// local *downloader.Manager, or another computer's queue.
type engine interface {
	gui.Engine
	rpc.Engine
}

// remoteDialTimeout bounds the first reading of the other computer's queue
// at start: an unreachable NAS must not keep the window from opening.
const remoteDialTimeout = 5 * time.Second

// openEngine opens the local engine and, when Settings → Another computer
// names one, the queue the window shows instead; the local engine then
// runs nothing (NoStart) and only keeps the window's own preferences.
// When the other computer does not answer, remoteErr says why and the
// local engine runs as usual.
func openEngine(ctx context.Context, db *store.DB) (m *downloader.Manager, rem *remote.Engine, addr string, remoteErr, err error) {
	cfg := downloader.Config{Store: db, DefaultFolder: cli.DefaultDownloads()}
	st, _, _ := db.LoadSettings() // unreadable settings: the local queue, as Open will repair them
	addr = st.UI[gui.UIKeyRemoteAddress]
	if addr == "" {
		m, err = downloader.Open(ctx, cfg)
		return m, nil, "", nil, err
	}
	idle := cfg
	idle.NoStart = true
	if m, err = downloader.Open(ctx, idle); err != nil {
		return nil, nil, addr, nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, remoteDialTimeout)
	defer cancel()
	rem, remoteErr = remote.Dial(dctx, addr, st.UI[gui.UIKeyRemoteSecret], m)
	if remoteErr == nil {
		return m, rem, addr, nil, nil
	}
	m.Close()
	m, err = downloader.Open(ctx, cfg)
	return m, nil, addr, remoteErr, err
}
