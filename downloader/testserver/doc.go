// Package testserver is a fault-injecting HTTP/1.1 server for the
// downloader's tests and benchmarks.
//
// It serves generated content: every byte is a pure function of a file's
// seed and its offset, so files of many GiB cost no memory, any range can be
// produced on demand, and a test can check what it downloaded with
// SHA256(seed, size) or Content(seed, size) instead of keeping a copy.
//
// The server speaks real byte ranges (single ranges only; a multi-range
// request is answered 200 with the whole file, which RFC 9110 allows),
// If-Range, ETag and Last-Modified, and can misbehave in the ways real
// servers do: ignore ranges, hide the length, throttle, refuse extra
// connections, reset or stall mid-body, change the file under the client,
// answer 5xx or 429, redirect (also to other schemes or to one-shot URLs),
// truncate a body or send more than it announced.
//
// Every behaviour is an Option. Options are given to New and may be changed
// at any time with Server.Set, so a test can flip a fault in the middle of a
// download. Set takes effect for requests that arrive afterwards; only the
// per-connection rate is also re-read while a body is being sent.
//
// Reserved paths (files cannot live under them):
//
//	/r/N/path       redirects N times, then serves path        (RedirectPath)
//	/scheme/path    redirects to ftp://host/path               (SchemePath)
//	/expire/path    redirects to a one-shot URL that answers 403
//	                after its first use                        (ExpiringPath)
//	/once/...       the one-shot URLs themselves
//	/redirect?to=L  redirects to the raw Location L            (RedirectTo)
//
// The server binds 127.0.0.1 only (it wraps httptest). Close stops every
// pending response, including stalled and throttled ones, and returns only
// after all handlers are gone.
package testserver
