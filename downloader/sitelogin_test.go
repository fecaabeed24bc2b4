package downloader_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"haul/downloader"
	"haul/downloader/logins"
	"haul/downloader/store"
)

// TestSiteLogin: a site's login goes to its host and never to the host a
// redirect leads to, and the password is nowhere in haul.db.
func TestSiteLogin(t *testing.T) {
	const password = "pw-s3cret-7731"
	body := bytes.Repeat([]byte("haul"), 4096)
	var mu sync.Mutex
	auth := map[string][]string{}
	record := func(name string, r *http.Request) {
		mu.Lock()
		auth[name] = append(auth[name], r.Header.Get("Authorization"))
		mu.Unlock()
	}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record("other", r)
		http.ServeContent(w, r, "f.bin", time.Time{}, bytes.NewReader(body))
	}))
	defer other.Close()
	// The redirect target is the same server reached by another name.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record("site", r)
		u, p, ok := r.BasicAuth()
		if !ok || u != "ann" || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			http.Error(w, "login", http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/go" {
			http.Redirect(w, r, otherURL+"/f.bin", http.StatusFound)
			return
		}
		http.ServeContent(w, r, "f.bin", time.Time{}, bytes.NewReader(body))
	}))
	defer site.Close()

	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "haul.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	keys := logins.New(nil) // no keyring service: session only, as on CI
	if persisted, err := keys.Set("127.0.0.1", "ann", password); err != nil || persisted {
		t.Fatalf("Set: persisted %v, %v", persisted, err)
	}
	m, err := downloader.Open(context.Background(), downloader.Config{Store: db, DefaultFolder: dir, Logins: keys})
	if err != nil {
		t.Fatal(err)
	}
	set := m.Settings()
	set.Sites = []downloader.Site{{Host: "127.0.0.1", User: "ann"}}
	if err := m.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/direct.bin", "/go"} {
		ids, err := m.Add(context.Background(), downloader.Request{URL: site.URL + path})
		if err != nil {
			t.Fatal(err)
		}
		if s := waitDone(t, m, ids[0]); s.State != downloader.StateCompleted {
			t.Fatalf("%s: %s: %s", path, s.State, s.Error)
		}
	}
	m.Close()
	db.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(auth["site"]) == 0 || len(auth["other"]) == 0 {
		t.Fatalf("requests: %v", auth)
	}
	for _, a := range auth["site"] {
		if a == "" {
			t.Error("a request to the site went without its login")
		}
	}
	for _, a := range auth["other"] {
		if a != "" {
			t.Errorf("the redirect target on another host got Authorization %q", a)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "haul.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(password)) || bytes.Contains(raw, []byte(basic("ann", password))) {
		t.Error("haul.db holds the password")
	}
	if !bytes.Contains(raw, []byte(`"user":"ann"`)) {
		t.Error("haul.db lacks the site's user name: the grep would prove nothing")
	}
}

func basic(user, password string) string {
	r, _ := http.NewRequest("GET", "http://x/", nil)
	r.SetBasicAuth(user, password)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// waitDone waits on the manager's events until the task completes or fails.
func waitDone(t *testing.T, m *downloader.Manager, id string) downloader.Snapshot {
	t.Helper()
	events, stop := m.Subscribe()
	defer stop()
	deadline := time.After(20 * time.Second)
	for {
		s, err := m.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if s.State == downloader.StateCompleted || s.State == downloader.StateFailed {
			return s
		}
		select {
		case <-events:
		case <-deadline:
			t.Fatalf("task still %s", s.State)
		}
	}
}
