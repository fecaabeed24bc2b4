package rpc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"haul/downloader"
)

// DefaultPort is aria2's RPC port, which aria2 front ends try first.
const DefaultPort = 6800

// AnyPort asks for a free port chosen by the system (tests, and hand-off
// only servers).
const AnyPort = -1

// Path is where the JSON-RPC endpoint lives, as in aria2.
const Path = "/jsonrpc"

// Errors Start may return; the UI shows their text.
var (
	// ErrPortInUse: another program listens on the port.
	ErrPortInUse = errors.New("the RPC port is already in use by another program")
	// ErrNeedSecret: listening on the network needs a secret token.
	ErrNeedSecret = errors.New("listening on the network needs a secret token")
)

// maxBody bounds a request body or WebSocket message.
const maxBody = 4 << 20

// Config is what Start needs.
type Config struct {
	// Engine runs the downloads. Required.
	Engine Engine
	// Port to listen on: 0 means DefaultPort, AnyPort a free one.
	Port int
	// AllowRemote listens on every interface instead of 127.0.0.1 (the
	// "LAN" option). It needs a non-empty Secret.
	AllowRemote bool
	// Secret is the token callers pass as "token:SECRET". Empty makes a
	// random one (see Server.Secret): every call always needs a token.
	Secret string
	// AllowedOrigins are extra web origins allowed to call, exactly as
	// browsers send them ("https://ariang.example", or "null" for pages
	// opened from a file). Local origins and browser extensions are
	// always allowed.
	AllowedOrigins []string
	// AllowedHosts are extra Host names accepted besides loopback names
	// and addresses (and, with AllowRemote, any IP address).
	AllowedHosts []string
	// HandoffOnly serves only what a second Haul needs (aria2.addUri,
	// haul.show, getVersion and the system methods): the service for
	// single-instance hand-off while aria2 RPC is turned off.
	HandoffOnly bool
	// DataDir, when set, gets instance.json while the server runs.
	DataDir string
	// Version is what aria2.getVersion reports; "" is downloader.Version.
	Version string
	// OnShow raises the main window (haul.show). It is called on a server
	// goroutine: a GUI must hop to its own thread.
	OnShow func()
	// OnShutdown quits the app (aria2.shutdown, aria2.forceShutdown); nil
	// refuses those calls. Called on its own goroutine after the answer.
	OnShutdown func(force bool)
	// Logf, if set, receives one line per refused request and per
	// option a client set that Haul does not apply.
	Logf func(format string, args ...any)
}

// Server is a running JSON-RPC service.
type Server struct {
	cfg       Config
	engine    Engine
	secret    string
	sessionID string
	methods   map[string]method
	results   *results
	options   *storedOptions
	http      *http.Server
	port      int

	mu     sync.Mutex
	conns  map[*wsConn]struct{}
	closed bool
	// changeWindow replaces the const changeWindow when not zero (tests
	// shorten it rather than sleep).
	changeWindow time.Duration

	stopEvents func()
	done       chan struct{}
	wg         sync.WaitGroup
	instance   string // path of instance.json written, if any
	handoffLn  net.Listener
}

// NewSecret returns a random token, for a front end that wants to store a
// stable one in its settings.
func NewSecret() string { return randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Start listens and serves until Close. A taken port gives an error
// wrapping ErrPortInUse; nothing panics.
func Start(cfg Config) (*Server, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	port := cfg.Port
	switch {
	case port == 0:
		port = DefaultPort
	case port == AnyPort:
		port = 0
	case port < 0 || port > 65535:
		return nil, fmt.Errorf("RPC port %d is not between 1 and 65535", cfg.Port)
	}
	lns, err := listen(cfg.AllowRemote, port)
	if err != nil {
		return nil, err
	}
	closeAll := func() {
		for _, ln := range lns {
			ln.Close()
		}
	}
	s.port = lns[0].Addr().(*net.TCPAddr).Port
	if cfg.DataDir != "" {
		// The socket listens before instance.json names this process:
		// whoever sees the file (a host that started this Haul and waits
		// for it) can connect at once. Without the socket a second launch
		// cannot hand over; it then finds the database in use and says so.
		hl, herr := listenHandoff(cfg.DataDir)
		if herr != nil {
			s.logf("%v", herr)
		}
		path, err := writeInstance(cfg.DataDir, Instance{Port: s.port, Token: s.secret, PID: pid(), Handoff: handoffSocket})
		if err != nil {
			if hl != nil {
				hl.Close()
			}
			closeAll()
			return nil, err
		}
		s.instance = path
		if hl != nil {
			s.handoffLn = hl
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serveHandoff(hl)
			}()
		}
	}
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          nil,
	}
	s.startNotifier()
	for _, ln := range lns {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = s.http.Serve(ln)
		}()
	}
	return s, nil
}

// newServer builds a server without a listener (tests use Handler).
func newServer(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("rpc: Config.Engine is required")
	}
	if cfg.AllowRemote && cfg.Secret == "" {
		return nil, ErrNeedSecret
	}
	if cfg.Version == "" {
		cfg.Version = downloader.Version
	}
	// The allow-lists are checked and put in the form requests are
	// compared with once, here, whoever set them (flags, settings,
	// hauld's config file or environment): a wrong entry is an error at
	// start, not an entry that silently never matches.
	var err error
	if cfg.AllowedOrigins, err = parseAll(cfg.AllowedOrigins, ParseAllowedOrigin); err != nil {
		return nil, fmt.Errorf("rpc: allowed origin %w", err)
	}
	if cfg.AllowedHosts, err = parseAll(cfg.AllowedHosts, ParseAllowedHost); err != nil {
		return nil, fmt.Errorf("rpc: allowed host name %w", err)
	}
	s := &Server{
		cfg:       cfg,
		engine:    cfg.Engine,
		secret:    cfg.Secret,
		sessionID: randomHex(20),
		results:   newResults(),
		options:   newStoredOptions(),
		conns:     map[*wsConn]struct{}{},
		done:      make(chan struct{}),
	}
	if s.secret == "" {
		s.secret = NewSecret()
	}
	s.registerMethods()
	return s, nil
}

// Port is the port the server listens on.
func (s *Server) Port() int { return s.port }

// URL is the endpoint for HTTP clients, e.g. http://127.0.0.1:6800/jsonrpc.
func (s *Server) URL() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) + Path }

// Secret is the token every call needs (as "token:" + Secret()).
func (s *Server) Secret() string { return s.secret }

func (s *Server) secretMatches(tok string) bool {
	return subtle.ConstantTimeCompare([]byte(tok), []byte(s.secret)) == 1
}

// Close stops listening, closes WebSocket connections, removes
// instance.json and waits for the server's goroutines.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conns := make([]*wsConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	close(s.done)
	if s.instance != "" {
		removeInstance(s.instance, s.secret)
	}
	if s.handoffLn != nil {
		s.handoffLn.Close() // removes the socket file
	}
	var err error
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = s.http.Shutdown(ctx)
		cancel()
		if err != nil {
			err = s.http.Close()
		}
	}
	for _, c := range conns {
		c.shutdown(wsGoingAway, "Haul is closing")
	}
	if s.stopEvents != nil {
		s.stopEvents()
	}
	s.wg.Wait()
	return err
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}
