package testserver

import (
	"net/http"
	"time"
)

// MaxRangeLog bounds Stats.Ranges so a long benchmark cannot grow it
// without limit.
const MaxRangeLog = 4096

// Stats are the server's counters since New or ResetStats.
type Stats struct {
	Requests  int64 // every request, refused ones included
	Ranged    int64 // requests carrying a Range header
	Redirects int64 // redirect answers sent
	Refused   int64 // answered by WithFail5xx, WithStatus429 or WithMaxConns
	Cuts      int64 // bodies ended early by WithReset or WithTruncate

	BytesServed int64 // body bytes written to clients

	InFlight     int // requests being handled now
	PeakInFlight int // most requests handled at once
	OpenConns    int // TCP connections open now
	PeakConns    int // most TCP connections open at once

	// Ranges are the Range headers received, in order, first MaxRangeLog.
	Ranges []string
	// Headers are the request headers received, in order, first
	// MaxRangeLog (to check where credentials went).
	Headers []http.Header
	// Bodies are the file bodies sent, in the order they ended, first
	// MaxRangeLog: a timeline of what a client asked for and got.
	Bodies []BodySpan
}

// BodySpan is one file body the server sent.
type BodySpan struct {
	Conn    string    // the client's address (one per TCP connection)
	Range   string    // the Range header, "" for a whole-file GET
	Began   time.Time // the body began (headers answered)
	Ended   time.Time // the body ended or was cut
	Planned int64     // bytes the answer announced
	Sent    int64     // bytes written
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Ranges = append([]string(nil), s.stats.Ranges...)
	st.Headers = append([]http.Header(nil), s.stats.Headers...)
	st.Bodies = append([]BodySpan(nil), s.stats.Bodies...)
	return st
}

// ResetStats zeroes the counters; the gauges (InFlight, OpenConns) are
// kept, and the peaks restart from them.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, open := s.stats.InFlight, s.stats.OpenConns
	s.stats = Stats{InFlight: in, PeakInFlight: in, OpenConns: open, PeakConns: open}
}
