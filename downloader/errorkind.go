package downloader

// ErrorKind classifies why a task stopped, for programs: a UI that words
// the reason in its own language, an RPC that maps it to its own codes.
// Snapshot.Error keeps the English sentence with the details.
type ErrorKind string

const (
	KindNone         ErrorKind = ""             // no error
	KindNotFound     ErrorKind = "not-found"    // 404
	KindForbidden    ErrorKind = "forbidden"    // 401, 403
	KindGone         ErrorKind = "gone"         // 410
	KindServer       ErrorKind = "server"       // 5xx, 429 and other statuses after retries
	KindNetwork      ErrorKind = "network"      // the connection failed or stalled
	KindName         ErrorKind = "name"         // the host name does not resolve
	KindTLS          ErrorKind = "tls"          // untrusted certificate
	KindChecksum     ErrorKind = "checksum"     // verification failed
	KindSize         ErrorKind = "size"         // the file's size came out wrong
	KindDiskFull     ErrorKind = "disk-full"    // ran out of space while writing
	KindNoSpace      ErrorKind = "no-space"     // not enough space to start
	KindRedirects    ErrorKind = "redirects"    // too many redirects
	KindBadURL       ErrorKind = "bad-url"      // not an http(s) link
	KindChanged      ErrorKind = "changed"      // the remote file kept changing
	KindCanceled     ErrorKind = "canceled"     // the user canceled
	KindBroken       ErrorKind = "broken"       // the record is unreadable
	KindBadResponse  ErrorKind = "bad-response" // the server's answer is unusable
	KindFileSystem   ErrorKind = "file-system"  // a local file operation failed
	KindLinkExpired  ErrorKind = "link-expired" // refused everywhere after bytes flowed
	KindRefused      ErrorKind = "refused"      // the host refuses TCP connections
	KindUnclassified ErrorKind = "other"        // none of the above
)

// KindOf classifies err by the error table (errtable.go); nil is
// KindNone.
func KindOf(err error) ErrorKind {
	if err == nil {
		return KindNone
	}
	r := rowOf(err)
	if r.kindOf != nil {
		return r.kindOf(err)
	}
	return r.kind
}
