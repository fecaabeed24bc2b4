package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// The emulated WAN: two namespaces, each holding one TUN device, joined by
// the forwarder running in this process.
const (
	srvAddr = "10.231.0.1"
	cliAddr = "10.231.0.2"
)

type wan struct {
	srvNS, cliNS string
	fwd          *forwarder
	cfg          wanConfig
}

// ip runs the ip command and returns its error with its output.
func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// wanUnavailable says why the WAN scenario cannot run here, or "".
func wanUnavailable() string {
	if runtime.GOOS != "linux" {
		return "network namespaces need Linux"
	}
	if os.Geteuid() != 0 {
		return "network namespaces and TUN devices need root"
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return "the ip command (iproute2) is not installed"
	}
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Sprintf("cannot open /dev/net/tun: %v", err)
	}
	unix.Close(fd)
	return ""
}

// inNetns runs fn on an OS thread that has joined namespace ns. Sockets
// and TUN devices created by fn stay in ns and may be used from any thread
// afterwards.
func inNetns(ns string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer unix.Close(orig)
		target, err := unix.Open("/var/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer unix.Close(target)
		if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		ferr := fn()
		if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
			// Leave the thread locked: it is discarded when this
			// goroutine ends, so no other goroutine runs in ns.
			errc <- errors.Join(ferr, fmt.Errorf("setns back: %w", err))
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// setupWAN creates the namespaces and the forwarder. On error everything
// made so far is removed.
func setupWAN(cfg wanConfig) (w *wan, err error) {
	tag := fmt.Sprint(os.Getpid())
	w = &wan{srvNS: "haulbench-srv-" + tag, cliNS: "haulbench-cli-" + tag, cfg: cfg}
	defer func() {
		if err != nil {
			w.close()
			w = nil
		}
	}()
	for _, ns := range []string{w.srvNS, w.cliNS} {
		if err := ip("netns", "add", ns); err != nil {
			return w, err
		}
		registerCleanup(func() { _ = ip("netns", "del", ns) })
	}
	var tuns [2]*os.File
	for i, ns := range []string{w.srvNS, w.cliNS} {
		if err := inNetns(ns, func() (err error) {
			tuns[i], err = openTUN("tunwan")
			return err
		}); err != nil {
			for _, t := range tuns {
				if t != nil {
					t.Close()
				}
			}
			return w, err
		}
	}
	for _, s := range []struct{ ns, local, peer string }{{w.srvNS, srvAddr, cliAddr}, {w.cliNS, cliAddr, srvAddr}} {
		for _, args := range [][]string{
			{"-n", s.ns, "link", "set", "lo", "up"},
			{"-n", s.ns, "link", "set", "tunwan", "mtu", fmt.Sprint(tunMTU), "txqueuelen", "10000", "up"},
			{"-n", s.ns, "addr", "add", s.local, "peer", s.peer + "/32", "dev", "tunwan"},
		} {
			if err := ip(args...); err != nil {
				tuns[0].Close()
				tuns[1].Close()
				return w, err
			}
		}
	}
	w.fwd = startForwarder(tuns[0], tuns[1], cfg)
	return w, nil
}

func (w *wan) close() {
	if w.fwd != nil {
		w.fwd.close()
		w.fwd = nil
	}
	for _, ns := range []string{w.srvNS, w.cliNS} {
		_ = ip("netns", "del", ns)
	}
}

// ccListener counts accepted connections and, when cc is set, sets that
// congestion control on each and remembers what the kernel reports.
type ccListener struct {
	net.Listener
	cc       string
	accepted atomic.Int64
	mismatch atomic.Int64
}

func setCC(c syscall.RawConn, cc string) error {
	var serr error
	if err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptString(int(fd), unix.IPPROTO_TCP, unix.TCP_CONGESTION, cc)
	}); err != nil {
		return err
	}
	return serr
}

func getCC(c syscall.RawConn) string {
	var got string
	_ = c.Control(func(fd uintptr) {
		got, _ = unix.GetsockoptString(int(fd), unix.IPPROTO_TCP, unix.TCP_CONGESTION)
	})
	return strings.TrimRight(got, "\x00")
}

func (l *ccListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.accepted.Add(1)
	if tc, ok := c.(*net.TCPConn); ok && l.cc != "" {
		if rc, err := tc.SyscallConn(); err == nil {
			_ = setCC(rc, l.cc)
			if getCC(rc) != l.cc {
				l.mismatch.Add(1)
			}
		}
	}
	return c, nil
}

// listenWAN opens a TCP listener on the server side of the WAN whose
// connections use congestion control cc.
func (w *wan) listen(cc string) (*ccListener, error) {
	var l net.Listener
	err := inNetns(w.srvNS, func() (err error) {
		lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error { return setCC(c, cc) }}
		l, err = lc.Listen(context.Background(), "tcp4", srvAddr+":0")
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ccListener{Listener: l, cc: cc}, nil
}
