// Package rpc serves Haul's engine over aria2's JSON-RPC interface, so
// browser extensions and web front ends written for aria2 can drive Haul,
// and lets a second Haul process hand its URLs to the running one.
//
// # Transport
//
// JSON-RPC 2.0 at /jsonrpc: POST with a JSON body (one request or a batch),
// GET with method, id and base64 params (and optional jsoncallback, JSONP)
// as aria2 accepts, and WebSocket on the same path (RFC 6455, text frames),
// which also carries the aria2.onDownload* notifications.
//
// # Security
//
// The server listens on 127.0.0.1 and ::1 unless Config.AllowRemote is set
// (which needs a secret). Every call needs the secret as its first
// parameter, "token:SECRET", exactly like aria2's --rpc-secret; when
// Config.Secret is empty a random one is made, so there is never an open
// server. Requests whose Host is not a loopback name or address (or one of
// Config.AllowedHosts) are refused (DNS rebinding), as are requests whose
// Origin is a web page that is not local, not a browser extension and not
// one of Config.AllowedOrigins ("null" for pages opened from a file), on
// POST, GET, preflight and WebSocket alike.
//
// Every WebSocket connection that passed those checks receives the
// notifications, as in aria2 (they carry only GIDs). A connection that
// calls haul.listen (with the secret) also receives haul.onChange, without
// parameters, after any change but progress, at most about ten a second
// and always after the last change of a burst (changes.go): a Haul window
// showing this queue from another computer reads it then, instead of
// every second. Resource limits
// (limits.go): 1000 calls per request or message, multicalls included; an
// 8 MB reply; 64 open connections that have not made a call with the
// secret, the oldest closed first.
//
// # Options
//
// Options clients set are carried out (options_client.go: proxies, Basic
// auth to the link's origin, out with folders under dir, user-agent) or
// stored, read back and logged as not applied (options_stored.go).
// changeGlobalOption changes the engine's session layer, never the saved
// settings (Engine.SetSessionSettings). Secrets, cookies and credentials
// are never read back.
//
// # Hand-off
//
// While it runs, a server started with Config.DataDir writes
// <data dir>/instance.json (mode 0600: port, token, pid) and listens on
// the Unix-domain socket <data dir>/haul.sock (0600). Send gives a Handoff
// (downloads with their headers, cookies, name, folder; show the window)
// to the running instance over that socket after checking that the
// listener is this user's process named in instance.json; no token
// travels on it (handoff_client.go explains the design). HandOff is the
// URLs-only shorthand.
//
// # Mapping onto Haul
//
// The gid is the task ID (16 hex digits). Haul states map to aria2 status
// words: active→active, queued→waiting, paused→paused, failed→error,
// completed→complete; tasks removed while this server runs are kept as
// "removed" results in memory until purged. Completed and failed tasks are
// aria2's stopped results; removeDownloadResult and purgeDownloadResult
// remove them from Haul's list (the downloaded file stays on disk).
package rpc
