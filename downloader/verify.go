package downloader

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// Automatic verification: a checksum of the whole file offered by the
// server (response headers, digestOf) or a sidecar file (sidecar.go) is
// checked when the download ends, without the user asking.

// VerifySource says where a task's checksum came from.
type VerifySource string

const (
	VerifyNone    VerifySource = ""
	VerifyUser    VerifySource = "user"    // Options.Checksum
	VerifyServer  VerifySource = "server"  // a response header
	VerifySidecar VerifySource = "sidecar" // a .sha256 / SHA256SUMS file next to the link
)

// Verification is the checksum a finished file is checked against.
type Verification struct {
	// Algo is the canonical checksum name ParseChecksum reads: "sha256",
	// "sha512", "sha1" or "md5".
	Algo string `json:"algo"`
	// Sum is the expected digest in lower-case hex.
	Sum    string       `json:"sum"`
	Source VerifySource `json:"source"`
	// From names the header (Repr-Digest, Digest, Content-MD5,
	// x-goog-hash) or the sidecar file.
	From string `json:"from,omitempty"`
	// Verified is true once the finished file matched (snapshots only).
	Verified bool `json:"-"`
}

// IsZero reports that no checksum is known.
func (v Verification) IsZero() bool { return v.Sum == "" }

// AlgoName is the algorithm as people write it: "SHA-256", "MD5".
func (v Verification) AlgoName() string {
	switch v.Algo {
	case "sha256":
		return "SHA-256"
	case "sha512":
		return "SHA-512"
	case "sha1":
		return "SHA-1"
	case "md5":
		return "MD5"
	}
	return strings.ToUpper(v.Algo)
}

// checksum is v as the Checksum verifyFile checks against.
func (v Verification) checksum() Checksum {
	sum, _ := hex.DecodeString(v.Sum) // Sum is lower-case hex by construction
	return Checksum{Algo: v.Algo, Sum: sum}
}

// verificationLocked is what the task's file is checked against: the
// user's checksum first, else the one the server or a sidecar offered.
func (t *task) verificationLocked() Verification {
	if c := t.rec.Options.Checksum; !c.IsZero() {
		return Verification{Algo: c.Algo, Sum: hex.EncodeToString(c.Sum), Source: VerifyUser}
	}
	if t.rec.Digest != nil {
		return *t.rec.Digest
	}
	return Verification{}
}

// linkSnapshotLocked fills the snapshot fields of this issue: mirrors,
// verification, and the waiting-for-a-fresh-link phase.
func (t *task) linkSnapshotLocked(s *Snapshot) {
	s.Mirrors = append([]string(nil), t.rec.Mirrors...)
	s.Verification = t.verificationLocked()
	s.Verification.Verified = t.rec.Verified && t.rec.State == StateCompleted
	if t.rec.State == StatePaused && s.ErrorKind == KindLinkExpired {
		s.Phase = PhaseWaitingLink
	}
}

// verify checks the finished part file at r.part: against the user's or
// the server's checksum, else a sidecar's for release-like names. A
// mismatch deletes the part file and resets the task, so bad bytes are
// never kept under the final name nor resumed from.
func (r *run) verify() error {
	t := r.t
	t.mu.Lock()
	v := t.verificationLocked()
	t.mu.Unlock()
	if v.IsZero() {
		if v = r.sidecarDigest(); v.IsZero() {
			return nil
		}
		t.mu.Lock()
		t.rec.Digest = &v
		t.mu.Unlock()
	}
	err := verifyFile(t.m.fs, r.part, v.checksum())
	if err != nil {
		_ = t.m.fs.Remove(r.part)
		t.mu.Lock()
		t.resetLocked()
		t.mu.Unlock()
		if v.Source != VerifyUser && errors.Is(err, ErrChecksum) {
			return &mismatchError{err: err, v: v}
		}
		return err
	}
	t.mu.Lock()
	t.rec.Verified = true
	t.logLocked("Verified with " + v.AlgoName() + " " + v.SourceText() + ".")
	t.mu.Unlock()
	return nil
}

// SourceText is "from the server", "from x.iso.sha256", "you gave".
func (v Verification) SourceText() string {
	switch v.Source {
	case VerifyServer:
		return "from the server"
	case VerifySidecar:
		return "from " + v.From
	case VerifyUser:
		return "you gave"
	}
	return ""
}

// VerifiedText is the one-line verdict the front ends show in English:
// "Verified (SHA-256 from the server)", "Not verified (no checksum
// offered)", or "" while there is nothing to say yet.
func (s Snapshot) VerifiedText() string {
	v := s.Verification
	switch {
	case s.State != StateCompleted:
		return ""
	case v.Verified:
		return "Verified (" + v.AlgoName() + " " + v.SourceText() + ")"
	}
	return "Not verified (no checksum offered)"
}

// mismatchError is a file that does not match the checksum the server
// (or a sidecar) published.
type mismatchError struct {
	err error
	v   Verification
}

func (e *mismatchError) Error() string { return e.err.Error() }
func (e *mismatchError) Unwrap() error { return e.err }

// UserSentence words the failure without blaming the user's checksum.
func (e *mismatchError) UserSentence() string {
	return "The file does not match the " + e.v.AlgoName() + " checksum " + e.v.SourceText() +
		"; it was not saved. Resume to download it again."
}

// digestOf reads a whole-file checksum from a response's headers
// (strongest first): Repr-Digest (RFC 9530) and Digest (RFC 3230) with
// sha-512 or sha-256, x-goog-hash md5, and Content-MD5 (RFC 1864) only
// on a full 200, where it covers the whole file. nil when none.
func digestOf(resp *http.Response) *Verification {
	h := resp.Header
	for _, name := range []string{"Repr-Digest", "Digest"} {
		fields := digestFields(h.Values(name))
		for _, algo := range []string{"sha-512", "sha-256"} {
			if v, ok := fields[algo]; ok {
				if sum, ok := decodeDigest(v, algo); ok {
					return &Verification{Algo: strings.ReplaceAll(algo, "-", ""), Sum: sum, Source: VerifyServer, From: name}
				}
			}
		}
	}
	if fields := digestFields(h.Values("X-Goog-Hash")); fields["md5"] != "" {
		if sum, ok := decodeDigest(fields["md5"], "md5"); ok {
			return &Verification{Algo: "md5", Sum: sum, Source: VerifyServer, From: "x-goog-hash"}
		}
	}
	if v := h.Get("Content-MD5"); v != "" && resp.StatusCode == http.StatusOK {
		if sum, ok := decodeDigest(v, "md5"); ok {
			return &Verification{Algo: "md5", Sum: sum, Source: VerifyServer, From: "Content-MD5"}
		}
	}
	return nil
}

// digestFields splits "a=x, b=:y:" lists into lower-case keys and values.
func digestFields(values []string) map[string]string {
	out := map[string]string{}
	for _, v := range values {
		for _, f := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(f), "=")
			if ok {
				out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(val)
			}
		}
	}
	return out
}

// decodeDigest turns a base64 digest (RFC 9530 wraps it in colons) into
// hex, checking its length for algo ("sha-512", "sha-256", "md5") against
// the checksum table (checksum.go).
func decodeDigest(v, algo string) (string, bool) {
	v = strings.Trim(v, ":")
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "", false
	}
	a, ok := checksumAlgos[strings.ReplaceAll(algo, "-", "")]
	if !ok || len(b) != a.size {
		return "", false
	}
	return hex.EncodeToString(b), true
}
