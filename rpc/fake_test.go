package rpc

import (
	"haul/downloader"
	"haul/internal/fakeengine"
)

// newFake is the front ends' shared fake engine (internal/fakeengine)
// with a download folder.
func newFake() *fakeengine.Engine {
	return fakeengine.New(downloader.DefaultSettings("/downloads"))
}
