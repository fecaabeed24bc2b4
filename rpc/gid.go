package rpc

import (
	"strings"
)

// gid reads the GID parameter i. Like aria2 (GroupId::expandUnique), a
// prefix of a GID is accepted when exactly one download, live or among
// the removed results, starts with it.
func (s *Server) gid(p args, i int) (string, error) {
	g, err := p.str(i, "GID")
	if err != nil {
		return "", err
	}
	g = strings.ToLower(g)
	if g == "" || len(g) > 16 || strings.Trim(g, "0123456789abcdef") != "" {
		return "", failf("Invalid GID %s", truncate(g, 40))
	}
	if len(g) == 16 {
		return g, nil
	}
	match := ""
	seen := func(id string) bool {
		if !strings.HasPrefix(id, g) || id == match {
			return false
		}
		if match != "" {
			return true
		}
		match = id
		return false
	}
	for _, t := range s.engine.List() {
		if seen(t.ID) {
			return "", failf("GID %s is not unique", g)
		}
	}
	for _, r := range s.results.all() {
		if seen(r.snap.ID) {
			return "", failf("GID %s is not unique", g)
		}
	}
	if match == "" {
		return "", failf("GID %s is not found", g)
	}
	return match, nil
}
