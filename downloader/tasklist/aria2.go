package tasklist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"haul/downloader"
)

// ErrBadList: a line of an input file cannot be read as a link or option.
var ErrBadList = errors.New("bad download list")

// maxLine bounds one line of an input file (long signed links fit).
const maxLine = 1 << 20

// Parse reads a plain list of links or an aria2 input file
// (https://aria2.github.io/manual/en/html/aria2c.html#input-file): each
// unindented line is a link (tab-separated mirrors: the first is used),
// and the lines indented under it are its options. It understands dir,
// out, header (repeatable), checksum, split / max-connection-per-server
// (connections) and max-download-limit (bytes/s, K and M suffixes);
// other options are ignored, as aria2 ignores unknown ones. Blank lines
// and lines starting with # are skipped. It returns every request it
// could read and an error (wrapping ErrBadList, naming each line) for
// the lines it could not. A file that starts with "[" is read as Haul's
// JSON export instead (ParseJSON).
func Parse(r io.Reader) ([]downloader.Request, error) {
	br := bufio.NewReader(r)
	if isJSONList(br) {
		return ParseJSON(br)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var reqs []downloader.Request
	var errs []error
	cur := -1 // index in reqs of the link the options belong to; -1 after a bad link
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur < 0 {
				continue // options of a link that was refused
			}
			if err := applyOption(&reqs[cur], trimmed); err != nil {
				errs = append(errs, fmt.Errorf("line %d: %w", n, err))
			}
			continue
		}
		// aria2 separates a line's links (mirrors) by TAB; blanks around
		// the first are not part of it: a link has its spaces escaped.
		link, _, _ := strings.Cut(trimmed, "\t")
		link = strings.TrimSpace(link)
		if _, err := downloader.ParseURL(link); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w: %w", n, ErrBadList, err))
			cur = -1
			continue
		}
		reqs = append(reqs, downloader.Request{URL: link})
		cur = len(reqs) - 1
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("read list: %w", err))
	}
	return reqs, errors.Join(errs...)
}

func applyOption(req *downloader.Request, opt string) error {
	key, value, ok := strings.Cut(opt, "=")
	if !ok {
		return fmt.Errorf("%q is not key=value: %w", opt, ErrBadList)
	}
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	switch key {
	case "dir":
		req.Folder = value
	case "out":
		req.Name = value
	case "header":
		name, v, err := downloader.ParseHeaderLine(value)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrBadList, err)
		}
		if req.Headers == nil {
			req.Headers = http.Header{}
		}
		req.Headers.Add(name, v)
	case "checksum":
		sum, err := downloader.ParseChecksum(value)
		if err != nil {
			return err
		}
		req.Checksum = sum
	case "split", "max-connection-per-server":
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 {
			return fmt.Errorf("%s=%q is not a positive number: %w", key, value, ErrBadList)
		}
		req.Connections = max(req.Connections, min(n, downloader.MaxConnections))
	case "max-download-limit":
		rate, err := downloader.ParseRate(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		req.SpeedLimit = rate
	}
	return nil
}

// WriteAria2 writes tasks as an aria2 input file that Parse and aria2c -i
// read back: the link, then dir, out, checksum, split,
// max-download-limit and headers (never Cookie or Authorization).
func WriteAria2(w io.Writer, tasks []downloader.Snapshot) error {
	bw := bufio.NewWriter(w)
	for _, t := range tasks {
		fmt.Fprintln(bw, shareableURL(t.URL))
		opt := func(k, v string) {
			if v != "" && !strings.ContainsAny(v, "\r\n") {
				fmt.Fprintf(bw, "  %s=%s\n", k, v)
			}
		}
		opt("dir", t.Folder)
		opt("out", t.Name)
		opt("checksum", t.Options.Checksum.Aria2())
		if t.Options.Connections > 0 {
			opt("split", strconv.Itoa(t.Options.Connections))
		}
		if t.Options.SpeedLimit > 0 {
			opt("max-download-limit", strconv.FormatInt(t.Options.SpeedLimit, 10))
		}
		for _, h := range shareableHeaders(t.Options.Headers) {
			opt("header", h)
		}
	}
	return bw.Flush()
}
