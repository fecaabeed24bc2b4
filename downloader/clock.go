package downloader

import "haul/downloader/clock"

// Clock tells the time and arms timers for Settings.Schedule; see package
// clock.
type Clock = clock.Clock

// Timer is an armed Clock.AfterFunc.
type Timer = clock.Timer
