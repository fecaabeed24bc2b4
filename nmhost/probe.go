package nmhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// ErrNoAnswer means the host named by a manifest did not answer a ping.
var ErrNoAnswer = errors.New("the host did not answer")

// Probe does what a browser of b's family does to reach the host: it reads
// b's manifest, starts the program it names with the browser's arguments,
// sends a ping and reads the answer. It returns the answering version.
func Probe(ctx context.Context, e Env, b Browser) (string, error) {
	path := b.ManifestPath(e)
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("test %s: read the host manifest: %w", b.Name, err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil || m.Name != HostName || m.Path == "" {
		return "", fmt.Errorf("test %s: the host manifest %s is damaged", b.Name, path)
	}
	args := []string{"chrome-extension://" + ExtensionID + "/"}
	if b.Family == Firefox {
		args = []string{path, GeckoID}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, m.Path, args...)
	var in, out bytes.Buffer
	if err := WriteMessage(&in, Request{Type: TypePing, Browser: b.Key}); err != nil {
		return "", err
	}
	cmd.Stdin, cmd.Stdout = &in, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("test %s: run %s: %w", b.Name, m.Path, err)
	}
	body, err := ReadMessage(&out)
	if err != nil {
		return "", fmt.Errorf("test %s: %w: %v", b.Name, ErrNoAnswer, err)
	}
	var rep Reply
	if json.Unmarshal(body, &rep) != nil || !rep.OK || rep.Type != TypePing {
		return "", fmt.Errorf("test %s: %w: %s", b.Name, ErrNoAnswer, body)
	}
	if out.Len() != 0 {
		return "", fmt.Errorf("test %s: the host wrote %d bytes after its answer", b.Name, out.Len())
	}
	return rep.Version, nil
}
