package downloader

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorTable: classify, KindOf and Sentence agree with the one table
// for an error of every shape. The rows marked "was" changed on purpose
// when the four switches became one table: a file error is no longer
// retried forever as the network's fault, a raw ENOSPC is a full disk, a
// stop asked for is a stop, a caller's bad option is not retried.
func TestErrorTable(t *testing.T) {
	want := map[string]struct {
		class    errClass
		kind     ErrorKind
		sentence string
	}{
		"nil":                    {classFatal, KindNone, ""},
		"ErrNotFound":            {classFatal, KindUnclassified, "Download failed: op: no such task."},     // was classNetwork, was KindNetwork
		"ErrClosed":              {classStopped, KindUnclassified, "Download failed: op: manager closed."}, // was classNetwork, was KindNetwork
		"ErrBadURL":              {classFatal, KindBadURL, "This is not a valid http or https link: op: not a valid http or https URL."},
		"ErrTooManyRedirect":     {classFatal, KindRedirects, "The link redirects too many times. Open it in a browser to find the real file link."},
		"ErrRemoteChanged":       {classChanged, KindChanged, "The file on the server kept changing while it was downloaded; try again later."},
		"ErrChecksum":            {classFatal, KindChecksum, "The file does not match the checksum you gave (op: checksum mismatch); it was not saved. Check the checksum, then resume to download again."}, // was classNetwork
		"ErrBadChecksum":         {classFatal, KindUnclassified, "Download failed: op: checksum must look like sha256=HEX, sha1=HEX or md5=HEX."},                                                           // was classNetwork, was KindNetwork
		"ErrSizeMismatch":        {classNetwork, KindSize, "The file ended up a different size than the server announced; resume to download it again."},
		"ErrNoSpace":             {classDisk, KindNoSpace, "Not enough disk space: op: not enough disk space. Free some space or choose another folder, then resume."},
		"spaceError":             {classDisk, KindNoSpace, "Not enough disk space: 2.0 MiB needed, 1.0 MiB free in /d. Free some space or choose another folder, then resume."},
		"ErrBrokenRecord":        {classNetwork, KindBroken, "This task's saved record is damaged and cannot be resumed. Remove it and add the link again."},
		"ErrPartMissing":         {classNetwork, KindFileSystem, "The partial file is gone; the download starts over."},                                                            // was KindNetwork
		"ErrPartReplaced":        {classNetwork, KindFileSystem, "The partial file was replaced by another file or a link, so its bytes were not used; the download starts over."}, // was KindNetwork
		"ErrNoProgress":          {classNetwork, KindNetwork, "The server stopped sending data."},
		"ErrTooLarge":            {classNetwork, KindNetwork, "Download failed: op: server sent more data than announced."},
		"ErrBadResponse":         {classFatal, KindBadResponse, "The server sent an answer Haul cannot use (op: the server sent an answer Haul cannot use)."},
		"protocolError":          {classFatal, KindBadResponse, "The server sent an answer Haul cannot use (duplicate Content-Length)."},
		"ErrNoFreeName":          {classNetwork, KindFileSystem, "Download failed: op: no free file name in the folder."},
		"ErrBadProxy":            {classFatal, KindUnclassified, "Download failed: op: proxy must look like http://host:port, https://host:port or socks5://user:xxxxx@host:port."}, // was classNetwork, was KindNetwork
		"ErrBadOption":           {classFatal, KindUnclassified, "Download failed: op: invalid option."},                                                                            // was classNetwork, was KindNetwork
		"ErrBadSettings":         {classFatal, KindUnclassified, "Download failed: op: invalid settings."},                                                                          // was classNetwork, was KindNetwork
		"ErrBroken":              {classNetwork, KindBroken, "This task's saved record is damaged and cannot be resumed. Remove it and add the link again."},                        // sentence was generic
		"ErrDiskFull":            {classDisk, KindDiskFull, "The disk is full. Free some space, then resume: nothing downloaded so far is lost."},
		"ErrLinkExpired":         {classNetwork, KindLinkExpired, "The link has expired: the server now refuses every connection after sending part of the file. Give the download a fresh link of the same file (Change link…) and it continues where it stopped."},
		"ErrBadRate":             {classFatal, KindUnclassified, "Download failed: op: speed must look like 500K, 2M or 1.5MiB."}, // was classNetwork, was KindNetwork
		"ErrBadPattern":          {classFatal, KindUnclassified, "Download failed: op: bad link pattern."},                        // was classNetwork, was KindNetwork
		"errCanceled":            {classStopped, KindCanceled, "Canceled. Resume to download it again from the start."},           // was classNetwork
		"errContentRange":        {classNetwork, KindNetwork, "Download failed: op: invalid Content-Range."},
		"errShortAnswer":         {classNetwork, KindNetwork, "Download failed: op: the answer covered less than was asked."},
		"errRequeue":             {classNetwork, KindNetwork, "Download failed: op: back to the queue."},
		"errConnLimit":           {classServer, KindServer, "The server allows fewer connections; retrying with fewer."}, // was KindUnclassified
		"errStaleSource":         {classNetwork, KindNetwork, "Download failed: op: refused by the link the run has left."},
		"errPaused":              {classStopped, KindUnclassified, "Download failed: op: paused."},          // was classNetwork, was KindNetwork
		"errClosing":             {classStopped, KindUnclassified, "Download failed: op: manager closing."}, // was classNetwork, was KindNetwork
		"errRemoved":             {classStopped, KindUnclassified, "Download failed: op: removed."},         // was classNetwork, was KindNetwork
		"errDone":                {classNetwork, KindNetwork, "Download failed: op: all ranges done."},
		"errCannotResume":        {classChanged, KindNetwork, "The connection kept breaking, and this server cannot resume downloads, so each try started over. Try again later."}, // was KindUnclassified
		"errStraggler":           {classNetwork, KindNetwork, "Download failed: op: connection much slower than the others."},
		"errSurplus":             {classNetwork, KindNetwork, "Download failed: op: connection above the task's lowered connection limit."},
		"errRangeIgnored":        {classNetwork, KindNetwork, "Download failed: op: the server answered a range request with the whole file."},
		"status 401":             {classFatal, KindForbidden, "The server asks for a login (401 Unauthorized). Add the cookie or header your browser sends, then resume."},
		"status 403":             {classFatal, KindForbidden, "The server refused access (403 Forbidden). The link may have expired, or it needs the cookie or referer your browser sends."},
		"status 404":             {classFatal, KindNotFound, "The server says the file does not exist (404 Not Found). Check the link."},
		"status 408":             {classServer, KindServer, "The server refused the download (408 Request Timeout)."},
		"status 410":             {classFatal, KindGone, "The file is gone from the server (410 Gone). Get a fresh link."},
		"status 416":             {classFatal, KindServer, "The server refused the download (416 Requested Range Not Satisfiable)."},
		"status 429":             {classServer, KindServer, "The server says there are too many requests (429 Too Many Requests). Try again later or use fewer connections."},
		"status 500":             {classServer, KindServer, "The server keeps failing (500 Internal Server Error). Try again later."},
		"status 503":             {classServer, KindServer, "The server keeps failing (503 Service Unavailable). Try again later."},
		"dns not found":          {classServer, KindName, "The server name \"nowhere.invalid\" does not exist. Check the link."},
		"dns timeout":            {classNetwork, KindNetwork, "Download failed: op: lookup slow.example: timeout."},
		"x509 unknown authority": {classFatal, KindTLS, "The server's security certificate is not trusted, so Haul did not connect (op: x509: certificate signed by unknown authority)."},
		"x509 hostname":          {classFatal, KindTLS, "The server's security certificate is not trusted, so Haul did not connect (op: x509: certificate is not valid for any names, but wanted to match a.example)."},
		"refused":                {classNetwork, KindRefused, "The server at 127.0.0.1:9 refuses connections. Haul keeps trying."},
		"reset":                  {classNetwork, KindNetwork, "Download failed: op: read tcp: connection reset by peer."},
		"EPIPE":                  {classNetwork, KindNetwork, "Download failed: op: broken pipe."},
		"net closed":             {classNetwork, KindNetwork, "Download failed: op: use of closed network connection."},
		"io.EOF":                 {classNetwork, KindNetwork, "Download failed: op: EOF."},
		"unexpected EOF":         {classNetwork, KindNetwork, "Download failed: op: unexpected EOF."},
		"context canceled":       {classStopped, KindUnclassified, "Download failed: op: context canceled."},
		"deadline":               {classStopped, KindNetwork, "The server stopped sending data."},
		"deadline stall":         {classNetwork, KindNetwork, "The server stopped sending data."},
		"ENOSPC":                 {classDisk, KindDiskFull, "The disk is full. Free some space, then resume: nothing downloaded so far is lost."},                                                                                        // was KindNetwork, sentence was generic
		"EACCES":                 {classFatal, KindFileSystem, "Haul could not use the file (open /d/f.part: permission denied). Check the folder and its permissions, then resume."},                                                    // was classNetwork, was KindNetwork, sentence was generic
		"EIO":                    {classFatal, KindFileSystem, "Haul could not use the file (op: write /d/f.part: input/output error). Check the folder and its permissions, then resume."},                                              // was classNetwork, was KindNetwork, sentence was generic
		"hls live":               {classFatal, KindBadResponse, "This is a live stream: its playlist has no end (no EXT-X-ENDLIST). Haul saves only on-demand videos; try again once the broadcast is over and offered as a recording."}, // was classNetwork, was KindNetwork
		"hls playlist":           {classFatal, KindBadResponse, "The video's decryption key is not a valid AES-128 key (16 bytes); the key link may need a login or cookie."},
		"plain":                  {classNetwork, KindNetwork, "Download failed: something else."},
	}
	for _, c := range errCorpus() {
		w, ok := want[c.name]
		if !ok {
			t.Errorf("%s: no expectation", c.name)
			continue
		}
		if got := classify(c.err); got != w.class {
			t.Errorf("%s: class %d, want %d", c.name, got, w.class)
		}
		if got := KindOf(c.err); got != w.kind {
			t.Errorf("%s: kind %q, want %q", c.name, got, w.kind)
		}
		if got := Sentence(c.err); got != w.sentence {
			t.Errorf("%s: sentence %q, want %q", c.name, got, w.sentence)
		}
	}
}

// TestErrorTableCoversSentinels fails when a package-level error of
// this package (a var made by errors.New or fmt.Errorf) is not named in
// the error table: a new sentinel must say how it is retried, which kind
// it is and what the user reads.
func TestErrorTableCoversSentinels(t *testing.T) {
	fset := token.NewFileSet()
	inTable := map[string]bool{}
	table, err := parser.ParseFile(fset, "errtable.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(table, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			inTable[id.Name] = true
		}
		return true
	})
	files, _ := filepath.Glob("*.go")
	var sentinels []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if i < len(vs.Values) && isErrorConstructor(vs.Values[i]) {
						sentinels = append(sentinels, id.Name)
					}
				}
			}
		}
	}
	if len(sentinels) < 20 {
		t.Fatalf("found only %d sentinels in %v: the scan is broken", len(sentinels), files)
	}
	for _, s := range sentinels {
		if !inTable[s] {
			t.Errorf("sentinel %s has no row in errtable.go", s)
		}
	}
}

// isErrorConstructor reports errors.New(…) and fmt.Errorf(…).
func isErrorConstructor(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && (pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf")
}
