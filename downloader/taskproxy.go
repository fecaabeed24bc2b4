package downloader

import "context"

// A task's own proxy (Options.Proxy) travels in the context of its
// requests, so the one transport, whose Proxy func is Manager.proxyFor,
// serves every task: http.Transport keys pooled connections by proxy, so
// tasks with different proxies never share a socket.

type proxyKey struct{}

// withProxy returns ctx carrying the task's proxy, if it has one. It is
// read once per attempt: a changed proxy applies from the next attempt
// (a pause and resume, or a retry after an error).
func (t *task) withProxy(ctx context.Context) context.Context {
	t.mu.Lock()
	p := t.rec.Options.Proxy
	t.mu.Unlock()
	if p == "" {
		return ctx
	}
	return context.WithValue(ctx, proxyKey{}, p)
}

// taskProxy is the proxy URL a request's context carries, or "".
func taskProxy(ctx context.Context) string {
	p, _ := ctx.Value(proxyKey{}).(string)
	return p
}
