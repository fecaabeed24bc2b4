package rpc

import (
	"context"

	"haul/downloader"
)

// Engine is what the server needs from the download engine;
// *downloader.Manager satisfies it.
type Engine interface {
	Add(ctx context.Context, reqs ...downloader.Request) ([]string, error)
	Get(id string) (downloader.Snapshot, error)
	// List returns every task in queue order.
	List() []downloader.Snapshot
	Pause(id string) error
	Resume(id string) error
	Remove(id string, deleteFile bool) error
	Move(id string, to downloader.MoveTo) error
	SetOptions(id string, o downloader.Options) error
	PauseAll()
	ResumeAll()
	Stats() downloader.Stats
	Subscribe() (<-chan downloader.Event, func())
	Settings() downloader.Settings
	SetSettings(downloader.Settings) error
	// SetSessionSettings runs with new settings without saving them
	// (changeGlobalOption, as in aria2: they last until Haul exits).
	SetSessionSettings(downloader.Settings) error
}
