package logins

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"
)

// fakeKeyring is an in-memory Secret Service stand-in.
type fakeKeyring struct {
	m    map[string]string
	fail bool
}

func (f *fakeKeyring) Get(s, u string) (string, error) {
	if f.fail {
		return "", errors.New("no service")
	}
	p, ok := f.m[s+"\x00"+u]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return p, nil
}

func (f *fakeKeyring) Set(s, u, p string) error {
	if f.fail {
		return errors.New("no service")
	}
	f.m[s+"\x00"+u] = p
	return nil
}

func (f *fakeKeyring) Delete(s, u string) error {
	if _, ok := f.m[s+"\x00"+u]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.m, s+"\x00"+u)
	return nil
}

func TestKeyring(t *testing.T) {
	k := &fakeKeyring{m: map[string]string{}}
	s := New(k)
	if persisted, err := s.Set("example.com", "ann", "pw"); !persisted || err != nil {
		t.Fatalf("Set = %v, %v", persisted, err)
	}
	if k.m["Haul: example.com\x00ann"] != "pw" {
		t.Errorf("keyring holds %v", k.m)
	}
	// A new process finds it in the keyring.
	if p, err := New(k).Password("example.com", "ann"); p != "pw" || err != nil {
		t.Errorf("Password = %q, %v", p, err)
	}
	if _, err := s.Password("example.com", "bob"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	if err := s.Delete("example.com", "ann"); err != nil || len(k.m) != 0 {
		t.Errorf("Delete: %v, %v", err, k.m)
	}
}

// TestSessionOnly: without a keyring service the password is kept for the
// session, and the store says so.
func TestSessionOnly(t *testing.T) {
	for _, s := range []*Store{New(nil), New(&fakeKeyring{m: map[string]string{}, fail: true})} {
		persisted, err := s.Set("example.com", "ann", "pw")
		if persisted || err != nil || !s.SessionOnly() {
			t.Errorf("Set = %v, %v, session only %v", persisted, err, s.SessionOnly())
		}
		if p, err := s.Password("example.com", "ann"); p != "pw" || err != nil {
			t.Errorf("Password = %q, %v", p, err)
		}
		if _, err := s.Set("example.com", "ann", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Password("example.com", "ann"); !errors.Is(err, ErrNotFound) {
			t.Errorf("after clearing: %v", err)
		}
	}
}

// countingKeyring counts Get calls.
type countingKeyring struct {
	fakeKeyring
	gets int
}

func (c *countingKeyring) Get(s, u string) (string, error) {
	c.gets++
	return c.fakeKeyring.Get(s, u)
}

// TestMissCached: a login without a stored password asks the keyring
// once, not per request, until a password is set.
func TestMissCached(t *testing.T) {
	k := &countingKeyring{fakeKeyring: fakeKeyring{m: map[string]string{}}}
	s := New(k)
	for range 5 {
		if _, err := s.Password("h", "u"); !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
	}
	if k.gets != 1 {
		t.Errorf("%d keyring lookups for one missing password", k.gets)
	}
	if _, err := s.Set("h", "u", "pw"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Password("h", "u"); p != "pw" || err != nil {
		t.Errorf("after Set: %q, %v", p, err)
	}
}
