package downloader

// A connection whose TCP connection was closed (a new one, or one whose
// stream was cut) dials afresh for its next request: a round trip for the
// handshake, then TCP's slow start, which begins at a window of
// initialWindow bytes and doubles it each round trip until the window
// carries the connection's rate (RFC 5681 §3.1, RFC 6928). On a 50 ms
// path a megabyte then takes about 0.4 s instead of the rate's share.
// Near the end of a download that is often longer than the range it
// would take over: such a split only adds a slow stream to the tail.
// A kept-alive connection (warm) skips both.

// initialWindow is TCP's initial congestion window, in bytes: 10
// segments of 1448 bytes (RFC 6928, Linux's default).
const initialWindow = 10 * 1448

// deliverTime is the seconds a connection needs for piece bytes at rate
// (bytes/s) on a path whose round trip is rtt seconds: the answer's first
// byte a round trip after the request, then the rate. A cold connection
// (no TCP connection kept) first spends a round trip on the handshake;
// then each round trip carries one window, doubling from initialWindow,
// until a window carries rate × rtt and the rest flows at the rate. An
// unknown round trip (0) counts as warm.
func deliverTime(piece int64, rate, rtt float64, cold bool) float64 {
	if rate <= 0 {
		return rtt
	}
	if !cold || rtt <= 0 {
		return rtt + float64(piece)/rate
	}
	left, window := float64(piece), float64(initialWindow)
	rounds := 0
	for left > 0 && window < rate*rtt {
		left -= window
		window *= 2
		rounds++
	}
	// A window that carries the rate from the start leaves the request's
	// round trip, as on a warm connection.
	return rtt + float64(max(rounds, 1))*rtt + max(left, 0)/rate
}
