package downloader

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

// Digests of "hello".
const (
	helloSHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	helloSHA1   = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
	helloMD5    = "5d41402abc4b2a76b9719d911017c592"
)

func TestParseChecksum(t *testing.T) {
	tests := []struct {
		in       string
		wantAlgo string
		wantHex  string
		wantErr  bool
	}{
		{"", "", "", false},
		{"   ", "", "", false},
		{"sha256=" + helloSHA256, "sha256", helloSHA256, false},
		{"SHA256=" + strings.ToUpper(helloSHA256), "sha256", helloSHA256, false},
		{"sha-256=" + helloSHA256, "sha256", helloSHA256, false},
		{"SHA_256 = " + helloSHA256 + " ", "sha256", helloSHA256, false},
		{"sha256:" + helloSHA256, "sha256", helloSHA256, false},
		{"sha1=" + helloSHA1, "sha1", helloSHA1, false},
		{"SHA-1=" + helloSHA1, "sha1", helloSHA1, false},
		{"md5=" + helloMD5, "md5", helloMD5, false},
		{"MD5=" + helloMD5, "md5", helloMD5, false},
		{helloSHA256, "sha256", helloSHA256, false},
		{helloSHA1, "sha1", helloSHA1, false},
		{helloMD5, "md5", helloMD5, false},
		{"sha256=" + helloSHA1, "", "", true},
		{"md5=" + helloSHA256, "", "", true},
		{"sha256=" + helloSHA256[:63] + "g", "", "", true},
		{"sha256=", "", "", true},
		{"blake3=" + helloSHA256 + helloSHA256, "", "", true},
		{"crc32=deadbeef", "", "", true},
		{"=abc", "", "", true},
		{"deadbeef", "", "", true},
		{"sha256=" + helloSHA256 + "00", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseChecksum(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrBadChecksum) {
					t.Fatalf("ParseChecksum(%q) err = %v, want ErrBadChecksum", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseChecksum(%q): %v", tt.in, err)
			}
			if tt.wantAlgo == "" {
				if !c.IsZero() || c.String() != "" || c.New() != nil {
					t.Fatalf("ParseChecksum(%q) = %+v, want zero", tt.in, c)
				}
				return
			}
			if want := tt.wantAlgo + "=" + tt.wantHex; c.String() != want {
				t.Errorf("ParseChecksum(%q).String() = %q, want %q", tt.in, c.String(), want)
			}
			if c.IsZero() {
				t.Errorf("ParseChecksum(%q).IsZero() = true", tt.in)
			}
			if h := c.New(); h == nil || h.Size() != len(c.Sum) {
				t.Errorf("ParseChecksum(%q).New() = %v", tt.in, h)
			}
			// String must round-trip.
			again, err := ParseChecksum(c.String())
			if err != nil || again.String() != c.String() {
				t.Errorf("round trip of %q: %v, %v", c.String(), again, err)
			}
		})
	}
}

func TestChecksumVerify(t *testing.T) {
	for _, s := range []string{"sha256=" + helloSHA256, "sha1=" + helloSHA1, "md5=" + helloMD5} {
		c, err := ParseChecksum(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Verify(strings.NewReader("hello")); err != nil {
			t.Errorf("%s Verify(hello) = %v", c.Algo, err)
		}
		err = c.Verify(strings.NewReader("hellO"))
		if !errors.Is(err, ErrChecksum) {
			t.Fatalf("%s Verify(hellO) = %v, want ErrChecksum", c.Algo, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, "expected "+strings.SplitN(s, "=", 2)[1]) || !strings.Contains(msg, "got ") {
			t.Errorf("mismatch message lacks digests: %q", msg)
		}
	}

	var zero Checksum
	if err := zero.Verify(iotest.ErrReader(errors.New("must not read"))); err != nil {
		t.Errorf("zero Verify = %v, want nil", err)
	}
	c, _ := ParseChecksum("md5=" + helloMD5)
	readErr := errors.New("disk on fire")
	if err := c.Verify(iotest.ErrReader(readErr)); !errors.Is(err, readErr) {
		t.Errorf("Verify with failing reader = %v, want %v", err, readErr)
	}
	if err := (Checksum{Algo: "crc", Sum: []byte{1}}).Verify(strings.NewReader("")); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("Verify with unknown algo = %v, want ErrBadChecksum", err)
	}
}

// TestChecksumJSON: Options.Checksum is a Checksum, and in JSON the same
// string records held when it was one ("sha256=hex"), so stored tasks
// read back; a record written by hand in the forms users paste reads
// too, and comes back normalised. Nothing is written for no checksum.
func TestChecksumJSON(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	tests := []struct {
		stored, want string
	}{
		{`{"checksum":"sha256=` + digest + `"}`, "sha256=" + digest},
		{`{"checksum":"SHA-256: ` + strings.ToUpper(digest) + `"}`, "sha256=" + digest},
		{`{"checksum":"md5=00112233445566778899aabbccddeeff"}`, "md5=00112233445566778899aabbccddeeff"},
		{`{}`, ""},
	}
	for _, tt := range tests {
		var o Options
		if err := json.Unmarshal([]byte(tt.stored), &o); err != nil {
			t.Fatalf("%s: %v", tt.stored, err)
		}
		if got := o.Checksum.String(); got != tt.want {
			t.Errorf("%s: read %q, want %q", tt.stored, got, tt.want)
		}
		b, _ := json.Marshal(o)
		want := `{}`
		if tt.want != "" {
			want = `{"checksum":"` + tt.want + `"}`
		}
		if string(b) != want {
			t.Errorf("%s: written back as %s, want %s", tt.stored, b, want)
		}
	}
	var o Options
	if err := json.Unmarshal([]byte(`{"checksum":"crc32=00"}`), &o); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("a bad stored checksum: %v, want ErrBadChecksum", err)
	}
	if c := (Checksum{Algo: "sha1", Sum: make([]byte, 20)}); c.Aria2() != "sha-1="+strings.Repeat("00", 20) {
		t.Errorf("Aria2() = %q", c.Aria2())
	}
}
