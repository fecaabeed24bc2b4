package rpc

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"haul/internal/atomicfile"
)

// InstanceFile is the name of the file in the data folder that tells a
// second Haul where the running one listens.
const InstanceFile = "instance.json"

// Instance is the content of InstanceFile. The hand-off needs only PID
// (to check the socket's peer); Port and Token are for local tools that
// use the RPC.
type Instance struct {
	Port  int    `json:"port"`
	Token string `json:"token"`
	PID   int    `json:"pid"`
	// Handoff is "socket" from the Haul that hands off over SocketFile;
	// absent in files of earlier versions, whose hand-off sent Token to
	// Port.
	Handoff string `json:"handoff,omitempty"`
}

// handoffSocket marks instance files of the socket hand-off.
const handoffSocket = "socket"

// SecretMayHaveLeaked reports whether secret may have been given away: an
// instance.json left in dataDir by a Haul that did not close (the caller
// holds the data folder, so any file there is stale) was written by a
// version whose hand-off sent the secret to the port in the file, where
// after the crash any local program could have been listening. The
// caller should replace such a secret with NewSecret and tell the user.
func SecretMayHaveLeaked(dataDir, secret string) bool {
	in, err := ReadInstanceFile(filepath.Join(dataDir, InstanceFile))
	return err == nil && secret != "" && in.Token == secret && in.Handoff != handoffSocket
}

func pid() int { return os.Getpid() }

// writeInstance writes dir/instance.json readable only by the user,
// atomically so a reader never sees half a file.
func writeInstance(dir string, in Instance) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("write %s: %w", InstanceFile, err)
	}
	b, _ := json.Marshal(in)
	path := filepath.Join(dir, InstanceFile)
	if err := atomicfile.WriteBytes(path, ".instance-*.json", 0o600, b); err != nil {
		return "", fmt.Errorf("write %s: %w", InstanceFile, err)
	}
	return path, nil
}

// removeInstance deletes the file if it is still ours.
func removeInstance(path, token string) {
	if in, err := ReadInstanceFile(path); err == nil && in.Token != token {
		return
	}
	_ = os.Remove(path)
}

// ReadInstanceFile reads an instance file at path. An error means no
// usable instance: missing, damaged (not JSON) or incomplete (no valid
// Port or no Token).
func ReadInstanceFile(path string) (Instance, error) {
	var in Instance
	b, err := os.ReadFile(path)
	if err != nil {
		return in, err
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return in, fmt.Errorf("%s is damaged: %w", path, err)
	}
	if in.Port <= 0 || in.Port > 65535 || in.Token == "" {
		return in, fmt.Errorf("%s is incomplete", path)
	}
	return in, nil
}
