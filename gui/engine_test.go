package gui

import "haul/downloader"

// The real engine must keep fitting the window's interface; checked in a
// test so an engine change fails here rather than in main.go.
var _ Engine = (*downloader.Manager)(nil)
