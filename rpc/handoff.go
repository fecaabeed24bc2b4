package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// InstanceFile is the name of the file in the data folder that tells a
// second Haul where the running one listens.
const InstanceFile = "instance.json"

// Instance is the content of InstanceFile.
type Instance struct {
	Port  int    `json:"port"`
	Token string `json:"token"`
	PID   int    `json:"pid"`
}

func pid() int { return os.Getpid() }

// writeInstance writes dir/instance.json readable only by the user,
// atomically so a reader never sees half a file.
func writeInstance(dir string, in Instance) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("write %s: %w", InstanceFile, err)
	}
	b, _ := json.Marshal(in)
	f, err := os.CreateTemp(dir, ".instance-*.json") // mode 0600
	if err != nil {
		return "", fmt.Errorf("write %s: %w", InstanceFile, err)
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	if werr == nil {
		werr = f.Chmod(0o600)
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	path := filepath.Join(dir, InstanceFile)
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write %s: %w", InstanceFile, werr)
	}
	return path, nil
}

// removeInstance deletes the file if it is still ours.
func removeInstance(path, token string) {
	if in, err := readInstanceFile(path); err == nil && in.Token != token {
		return
	}
	_ = os.Remove(path)
}

func readInstanceFile(path string) (Instance, error) {
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

// handoffTimeout bounds a hand-off: a stale file pointing at a port
// another program now uses must not hang Haul's start.
const handoffTimeout = 3 * time.Second

// HandOff gives urls to the Haul running on dataDir, if one answers, and
// asks it to show its window. handled is false when no instance answers
// (no instance.json, a stale one, or someone else on its port): then the
// caller carries on itself. err, with handled true, says which URLs the
// running Haul rejected.
func HandOff(dataDir string, urls []string) (handled bool, err error) {
	in, err := readInstanceFile(filepath.Join(dataDir, InstanceFile))
	if err != nil {
		return false, nil
	}
	token := "token:" + in.Token
	type mc struct {
		MethodName string `json:"methodName"`
		Params     []any  `json:"params"`
	}
	calls := make([]mc, 0, len(urls)+1)
	for _, u := range urls {
		calls = append(calls, mc{"aria2.addUri", []any{token, []string{u}}})
	}
	calls = append(calls, mc{"haul.show", []any{token}})
	body, _ := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": "handoff", "method": "system.multicall", "params": []any{calls},
	})
	client := &http.Client{
		Timeout:   handoffTimeout,
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
	}
	url := "http://127.0.0.1:" + strconv.Itoa(in.Port) + Path
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return false, nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return false, nil
	}
	var reply struct {
		Result []json.RawMessage `json:"result"`
		Error  *Error            `json:"error"`
	}
	if json.Unmarshal(raw, &reply) != nil || reply.Error != nil || len(reply.Result) != len(calls) {
		return false, nil // not a Haul that knows this token
	}
	// haul.show answering ["OK"] proves it is Haul.
	var shown []string
	if json.Unmarshal(reply.Result[len(urls)], &shown) != nil || len(shown) != 1 || shown[0] != "OK" {
		return false, nil
	}
	var errs []error
	for i, u := range urls {
		var e Error
		if json.Unmarshal(reply.Result[i], &e) == nil && e.Message != "" {
			errs = append(errs, fmt.Errorf("%s: %s", u, e.Message))
		}
	}
	return true, errors.Join(errs...)
}
