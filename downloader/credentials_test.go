package downloader

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"haul/downloader/testserver"
)

// Kind 5a: the user's cookie plus the one a redirect sets are both needed
// by the target and every later range; the jar keeps them across a
// restart and drops them when the task completes.
func TestCookieJarAcrossRedirectAndRestart(t *testing.T) {
	f := testserver.File{Size: 6 << 20, Seed: 1220}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithPerConnRate(1<<20),
		testserver.WithRequireCookie("user", "u1"), testserver.WithRequireCookie("session", "s1"))
	defer srv.Close()
	st := newMemStore()
	dir := t.TempDir()
	m := openTest(t, st, dir, nil)
	hdr := http.Header{"Cookie": {"user=u1"}}
	id := ftAdd(t, m, Request{URL: srv.URL(testserver.SetCookiePath("session", "s1", "/f.bin")), Options: Options{Connections: 4, Headers: hdr}})
	waitProgress(t, m, id, 1<<20)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	recs, _ := st.LoadTasks()
	if len(recs) != 1 || len(recs[0].Cookies) == 0 || !strings.Contains(recs[0].Cookies[0].SetCookie, "session=s1") {
		t.Fatalf("the record does not keep the server's cookie: %+v", recs)
	}
	srv.Set(testserver.WithPerConnRate(0))
	m = openTest(t, st, dir, nil)
	s := ftEnd(t, m, id)
	ftWantFile(t, s, f)
	if srv.Stats().Refused > 0 {
		t.Errorf("%d requests lacked a cookie", srv.Stats().Refused)
	}
	recs, _ = st.LoadTasks()
	if len(recs[0].Cookies) != 0 {
		t.Errorf("cookies kept after completion: %v", recs[0].Cookies)
	}
	if h := recs[0].Options.Headers; h.Get("Cookie") != "" {
		t.Errorf("the user's Cookie header kept after completion: %v", h)
	}
}

// Kind 5b and 5c: URL userinfo survives a redirect to an absolute URL of
// the same origin; credentials never reach another origin, other headers
// reach every request.
func TestCredentialsOnlyToTheirOrigin(t *testing.T) {
	f := testserver.File{Size: 3 << 20, Seed: 1221}
	for _, tc := range []struct {
		name      string
		crossHost bool
		bearer    bool // an Authorization header instead of userinfo
	}{
		{"same origin", false, false},
		{"other origin", true, false},
		{"other origin, authorization header", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			front := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithBasicAuth("alice", "s3cret"))
			if tc.bearer {
				front.Set(testserver.WithBasicAuth("", ""))
			}
			defer front.Close()
			target := front
			if tc.crossHost {
				target = testserver.New(testserver.WithFile("/f.bin", f))
				defer target.Close()
			}
			to := target.URL("/f.bin")
			if tc.crossHost {
				// Another host name: cookies ignore ports (RFC 6265).
				to = strings.Replace(to, "127.0.0.1", "localhost", 1)
			}
			raw := strings.Replace(front.URL("/redirect?to="+to), "http://", "http://alice:s3cret@", 1)
			// The userinfo is the credential here: an Authorization
			// header would replace it (net/http sends one or the other).
			hdr := http.Header{"Cookie": {"c=1"}, "Referer": {"http://ref.example/"}, "X-Custom": {"yes"}}
			if tc.bearer {
				hdr.Set("Authorization", "Bearer tok")
				raw = front.URL("/redirect?to=" + to)
			}
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			id := ftAdd(t, m, Request{URL: raw, Options: Options{Connections: 4, Headers: hdr}})
			s := ftEnd(t, m, id)
			ftWantFile(t, s, f)
			if tc.crossHost {
				for i, h := range target.Stats().Headers {
					if h.Get("Authorization") != "" || h.Get("Cookie") != "" {
						t.Errorf("request %d to another origin carried credentials: %v", i, h)
					}
				}
			}
			for i, h := range target.Stats().Headers {
				if h.Get("Referer") != "http://ref.example/" || h.Get("X-Custom") != "yes" {
					t.Errorf("request %d lost a task header: %v", i, h)
				}
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, url, text string }{
		{"http://u:pw@h/a", "http://u:xxxxx@h/a", "http://u:xxxxx@h/a"},
		{"https://h/a?x=1", "https://h/a?x=1", "https://h/a?x=1"},
		{"http://u@h/a", "http://u@h/a", "http://u@h/a"},
		{`Get "http://u:p%40ss@h:8/a": EOF`, `Get "http://u:xxxxx@h:8/a": EOF`, `Get "http://u:xxxxx@h:8/a": EOF`},
	} {
		if got := RedactText(tc.in); got != tc.text {
			t.Errorf("RedactText(%q) = %q, want %q", tc.in, got, tc.text)
		}
		if !strings.Contains(tc.in, " ") {
			if got := RedactURL(tc.in); got != tc.url {
				t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.url)
			}
		}
	}
}

// Kind 5d: a failure's sentence and the log never show the password.
func TestFailureHidesPassword(t *testing.T) {
	srv := testserver.New()
	defer srv.Close()
	raw := strings.Replace(srv.URL("/missing"), "http://", "http://bob:hunter2@", 1)
	m := openTest(t, newMemStore(), t.TempDir(), nil)
	ids, err := m.Add(context.Background(), Request{URL: raw})
	if err != nil {
		t.Fatal(err)
	}
	s := ftEnd(t, m, ids[0])
	for _, line := range append(ftLog(s), s.Error) {
		if strings.Contains(line, "hunter2") {
			t.Errorf("password in %q", line)
		}
	}
	if s.URL != raw {
		t.Errorf("the record's URL %q is not the real one", s.URL)
	}
}

// A 401 to a request that carried a login says the login was refused,
// not "add the cookie your browser sends"; without one it asks for a
// login as before.
func TestRefusedLoginSentence(t *testing.T) {
	f := testserver.File{Size: 1 << 20, Seed: 1222}
	srv := testserver.New(testserver.WithFile("/f.bin", f), testserver.WithBasicAuth("alice", "s3cret"))
	defer srv.Close()
	for _, tc := range []struct {
		name, userinfo, want string
	}{
		{"wrong password", "alice:wrong@", "The server refused the user name and password (401 Unauthorized)"},
		{"no login", "", "The server asks for a login (401 Unauthorized)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := openTest(t, newMemStore(), t.TempDir(), nil)
			link := strings.Replace(srv.URL("/f.bin"), "http://", "http://"+tc.userinfo, 1)
			ids, err := m.Add(context.Background(), Request{URL: link})
			if err != nil {
				t.Fatal(err)
			}
			s := ftEnd(t, m, ids[0])
			if s.State != StateFailed || !strings.HasPrefix(s.Error, tc.want) {
				t.Errorf("%s: %q, want it to start with %q", s.State, s.Error, tc.want)
			}
			if strings.Contains(s.Error, "wrong") {
				t.Errorf("the password shows in %q", s.Error)
			}
		})
	}
}
