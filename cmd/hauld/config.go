package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"haul/downloader"
)

// fileConfig is the --config FILE of hauld serve (TOML 1.0). Engine
// settings use the field names of the settings' JSON; sizes and rates are
// written as on the command line ("2M", "500K") or as a number of bytes.
// A missing field keeps the stored setting.
type fileConfig struct {
	Data        string     `toml:"data"`
	Folder      *string    `toml:"folder"`
	MaxActive   *int       `toml:"maxActive"`
	Connections *int       `toml:"connections"`
	PerHost     *int       `toml:"perHost"`
	GlobalLimit *byteCount `toml:"globalLimit"` // bytes/s; 0 or "" is unlimited
	MinSplit    *byteCount `toml:"minSplit"`    // bytes
	Proxy       *string    `toml:"proxy"`
	RPC         rpcConfig  `toml:"rpc"`
}

// rpcConfig is the [rpc] table, the same knobs as the --rpc-* flags.
type rpcConfig struct {
	Port         int      `toml:"port"`
	Secret       string   `toml:"secret"`
	ListenAll    bool     `toml:"listenAll"`
	AllowOrigins []string `toml:"allowOrigins"`
	AllowHosts   []string `toml:"allowHosts"`
}

// byteCount is a size or a rate in bytes (per second): a TOML integer, or
// a string as downloader.ParseRate reads it ("2M", "1.5M", "750k").
type byteCount int64

// UnmarshalTOML implements toml.Unmarshaler.
func (b *byteCount) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case int64:
		if v < 0 {
			return fmt.Errorf("%d is negative", v)
		}
		*b = byteCount(v)
		return nil
	case string:
		n, err := downloader.ParseRate(v)
		*b = byteCount(n)
		return err
	}
	return fmt.Errorf("%v is neither a number nor a string like \"2M\"", v)
}

// errConfig marks a configuration the user must fix.
var errConfig = errors.New("bad configuration")

// loadConfig reads path; unknown keys are errors, so a typo never
// silently falls back to a default.
func loadConfig(path string) (fileConfig, error) {
	var c fileConfig
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		return c, fmt.Errorf("%w: %s: %w", errConfig, path, err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		keys := make([]string, len(extra))
		for i, k := range extra {
			keys[i] = k.String()
		}
		return c, fmt.Errorf("%w: %s: unknown field %s (see docs/headless.md)", errConfig, path, strings.Join(keys, ", "))
	}
	return c, nil
}

// apply writes the fields the file sets over s.
func (c fileConfig) apply(s downloader.Settings) downloader.Settings {
	set := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	if c.Folder != nil {
		s.Folder = *c.Folder
	}
	set(&s.MaxActive, c.MaxActive)
	set(&s.Connections, c.Connections)
	set(&s.PerHost, c.PerHost)
	if c.GlobalLimit != nil {
		s.GlobalLimit = int64(*c.GlobalLimit)
	}
	if c.MinSplit != nil {
		s.MinSplit = int64(*c.MinSplit)
	}
	if c.Proxy != nil {
		s.Proxy = *c.Proxy
	}
	return s
}

// changes tells whether apply changes anything, so an unchanged start
// does not rewrite the settings.
func (c fileConfig) changes() bool {
	return c.Folder != nil || c.MaxActive != nil || c.Connections != nil || c.PerHost != nil ||
		c.GlobalLimit != nil || c.MinSplit != nil || c.Proxy != nil
}

// Environment overrides of hauld serve: they beat the config file and
// lose to flags. Lists are comma-separated; booleans are strconv's.
const (
	envConfig       = "HAULD_CONFIG"
	envData         = "HAULD_DATA"
	envRPCPort      = "HAULD_RPC_PORT"
	envRPCSecret    = "HAULD_RPC_SECRET"
	envRPCListenAll = "HAULD_RPC_LISTEN_ALL"
	envAllowOrigins = "HAULD_RPC_ALLOW_ORIGINS"
	envAllowHosts   = "HAULD_RPC_ALLOW_HOSTS"
)

// applyEnv overrides c from the environment (read through getenv).
func (c *fileConfig) applyEnv(getenv func(string) string) error {
	if v := getenv(envData); v != "" {
		c.Data = v
	}
	if v := getenv(envRPCPort); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: %s=%q is not a port (1-65535)", errConfig, envRPCPort, v)
		}
		c.RPC.Port = n
	}
	if v := getenv(envRPCSecret); v != "" {
		c.RPC.Secret = v
	}
	if v := getenv(envRPCListenAll); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%w: %s=%q is not true or false", errConfig, envRPCListenAll, v)
		}
		c.RPC.ListenAll = b
	}
	if v := getenv(envAllowOrigins); v != "" {
		c.RPC.AllowOrigins = splitList(v)
	}
	if v := getenv(envAllowHosts); v != "" {
		c.RPC.AllowHosts = splitList(v)
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// readConfig loads the file named by --config or HAULD_CONFIG (none is
// fine) and applies the environment on top.
func readConfig(path string) (fileConfig, error) {
	if path == "" {
		path = os.Getenv(envConfig)
	}
	var c fileConfig
	if path != "" {
		var err error
		if c, err = loadConfig(path); err != nil {
			return c, err
		}
	}
	return c, c.applyEnv(os.Getenv)
}
