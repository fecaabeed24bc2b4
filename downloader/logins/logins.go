// Package logins keeps the passwords of per-site logins in the operating
// system's keyring (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows, through github.com/zalando/go-keyring),
// never in haul.db. Where no keyring service runs, a password is kept in
// memory for this session only, and SessionOnly tells a UI to say so.
package logins

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"

	"github.com/zalando/go-keyring"
)

// service prefixes the keyring entries: "Haul: example.com".
const service = "Haul: "

// ErrNotFound: no password is stored for that site and user.
var ErrNotFound = errors.New("no stored password")

// Backend is the keyring API; go-keyring's functions satisfy it, and
// tests pass a fake or one that always fails.
type Backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

type systemBackend struct{}

func (systemBackend) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (systemBackend) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (systemBackend) Delete(s, u string) error        { return keyring.Delete(s, u) }

// Store is a keyring with a session-only fallback. Safe for concurrent use.
type Store struct {
	backend Backend // nil: session only
	mu      sync.Mutex
	session map[[2]string]string
	// missing remembers keyring misses, so a site with a user name but
	// no stored password does not cost a D-Bus call per request.
	missing map[[2]string]bool
	// sessionOnly is set once the keyring failed (or none exists).
	sessionOnly bool
}

// New returns a Store on backend; nil means session only.
func New(backend Backend) *Store {
	return &Store{backend: backend, session: map[[2]string]string{}, missing: map[[2]string]bool{}, sessionOnly: backend == nil}
}

var (
	defaultOnce  sync.Once
	defaultStore *Store
)

// Default is the process's Store on the system keyring. On Linux without
// a session D-Bus (a server, CI) there is no Secret Service to ask, and
// the store is session-only from the start; asking would start a D-Bus
// daemon of its own.
func Default() *Store {
	defaultOnce.Do(func() {
		var b Backend = systemBackend{}
		if runtime.GOOS == "linux" && os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
			b = nil
		}
		defaultStore = New(b)
	})
	return defaultStore
}

// SessionOnly reports whether passwords are kept only until Haul quits,
// because no keyring service answered.
func (s *Store) SessionOnly() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessionOnly
}

// Set stores the password of user at site. It reports whether it went to
// the keyring (false: kept for this session only). An empty password
// deletes the entry.
func (s *Store) Set(site, user, password string) (persisted bool, err error) {
	if password == "" {
		return !s.SessionOnly(), s.Delete(site, user)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.session[[2]string{site, user}] = password
	delete(s.missing, [2]string{site, user})
	if s.sessionOnly {
		return false, nil
	}
	if err := s.backend.Set(service+site, user, password); err != nil {
		s.sessionOnly = true
		return false, nil
	}
	return true, nil
}

// Password returns the stored password of user at site, or ErrNotFound.
func (s *Store) Password(site, user string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.session[[2]string{site, user}]; ok {
		return p, nil
	}
	if s.sessionOnly || s.missing[[2]string{site, user}] {
		return "", ErrNotFound
	}
	p, err := s.backend.Get(service+site, user)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		s.missing[[2]string{site, user}] = true
		return "", ErrNotFound
	case err != nil:
		s.sessionOnly = true
		return "", fmt.Errorf("keyring: %w", ErrNotFound)
	}
	s.session[[2]string{site, user}] = p
	return p, nil
}

// Delete forgets the password of user at site.
func (s *Store) Delete(site, user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.session, [2]string{site, user})
	if s.sessionOnly {
		return nil
	}
	if err := s.backend.Delete(service+site, user); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("keyring: %w", err)
	}
	return nil
}
