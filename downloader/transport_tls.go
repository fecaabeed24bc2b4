package downloader

import "crypto/tls"

// tlsConn names the type in Transport.TLSNextProto; an empty, non-nil map
// there is how net/http is told never to negotiate HTTP/2.
type tlsConn = tls.Conn
