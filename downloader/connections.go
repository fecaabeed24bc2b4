package downloader

// ConnectionCeiling is the most connections a connection setting of n
// allows: AutoConnections for ConnectionsAuto (0), n otherwise. Front ends
// that need a number (aria2's "split") show this.
func ConnectionCeiling(n int) int {
	if n <= ConnectionsAuto {
		return AutoConnections
	}
	return n
}
