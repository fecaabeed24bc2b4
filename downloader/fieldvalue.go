package downloader

// validFieldValue reports whether v may be sent as an HTTP field value
// (RFC 9110 §5.5): no control characters but horizontal tab, so a
// setting cannot inject a header line or make every request fail.
func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
