package nmhost

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDownloadRequest(t *testing.T) {
	d := Download{
		URL: "https://cdn.example.com/a/file.iso?sig=1", Referrer: "https://example.com/page",
		Filename: `C:\Users\me\Downloads\file.iso`, UserAgent: "Mozilla/5.0 Test",
		Cookies: []Cookie{{"sid", "abc"}, {"lang", "en"}, {"bad", "x;y"}, {"", "anon"}},
		Folder:  "/data/dl",
	}
	req, err := d.Request()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ what, got, want string }{
		{"URL", req.URL, d.URL},
		{"Name", req.Name, "file.iso"},
		{"Folder", req.Folder, "/data/dl"},
		{"Cookie", req.Headers.Get("Cookie"), "sid=abc; lang=en"},
		{"Referer", req.Headers.Get("Referer"), "https://example.com/page"},
		{"User-Agent", req.Headers.Get("User-Agent"), "Mozilla/5.0 Test"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	// A referrer that is not http(s) and a header-splitting User-Agent are dropped.
	req, _ = (&Download{URL: "http://e.com/x", Referrer: "about:blank", UserAgent: "a\r\nX-Evil: 1", Filename: "../../.."}).Request()
	if len(req.Headers) != 0 {
		t.Errorf("headers = %v, want none", req.Headers)
	}
	if strings.Contains(req.Name, "/") {
		t.Errorf("Name = %q keeps a path", req.Name)
	}
}

// A link Haul refuses is named in the error without its password.
func TestDownloadRequestRefusalHidesPassword(t *testing.T) {
	for _, link := range []string{"ftp://me:TOPSECRET@e.com/f", "file://me:TOPSECRET@/etc/passwd"} {
		_, err := (&Download{URL: link}).Request()
		if err == nil {
			t.Fatalf("%s: no error", link)
		}
		if strings.Contains(err.Error(), "TOPSECRET") {
			t.Errorf("%s: error %q shows the password", link, err)
		}
	}
}

func TestHostDownloadReplies(t *testing.T) {
	msg := []byte(`{"type":"download","seq":"a","download":{"url":"http://e.com/f","cookies":[{"name":"sid","value":"TOPSECRET"}]}}`)
	tests := []struct {
		name string
		err  error
		ok   bool
		code string
	}{
		{"taken", nil, true, ""},
		{"refused", fmt.Errorf("%w: the folder is full", ErrRefused), false, CodeRefused},
		{"unavailable", fmt.Errorf("%w: no display", ErrUnavailable), false, CodeUnavailable},
		{"other", errors.New("boom"), false, CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs []string
			var seen []string
			h := &Host{Submit: &fakeSubmitter{id: "t1", err: tt.err},
				Logf: func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) },
				Seen: func(b string) { seen = append(seen, b) }}
			r := h.Handle(context.Background(), msg)
			if r.OK != tt.ok || r.Error != tt.code || r.Type != TypeDownload || string(r.Seq) != `"a"` {
				t.Errorf("reply = %+v", r)
			}
			if tt.ok && r.TaskID != "t1" {
				t.Errorf("TaskID = %q", r.TaskID)
			}
			if !tt.ok && r.Message == "" {
				t.Error("a failure without a sentence")
			}
			if len(seen) != 1 {
				t.Errorf("contact recorded %d times, want 1", len(seen))
			}
			if all := strings.Join(logs, "\n") + r.Message; strings.Contains(all, "TOPSECRET") {
				t.Errorf("the cookie leaked into logs or the reply: %s", all)
			}
		})
	}
}

func TestPingIsNotContact(t *testing.T) {
	seen := 0
	h := &Host{Submit: &fakeSubmitter{}, Seen: func(string) { seen++ }}
	h.Handle(context.Background(), []byte(`{"type":"ping"}`))
	h.Handle(context.Background(), []byte(`{"type":"hello"}`))
	if seen != 1 {
		t.Errorf("contacts recorded = %d, want 1 (hello, not ping)", seen)
	}
}
