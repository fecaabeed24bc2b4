package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// wanConfig describes the emulated wide-area link between the two
// namespaces. The same settings apply in both directions.
type wanConfig struct {
	RTT   time.Duration // round trip; each direction is delayed RTT/2
	Loss  float64       // probability that a packet is dropped, per direction
	Rate  int64         // bottleneck bytes/s per direction; 0 = no cap
	Queue int64         // bottleneck queue in bytes (with Rate); 0 = one BDP
}

func (c wanConfig) String() string {
	s := fmt.Sprintf("%v RTT, %.2g%% loss", c.RTT, c.Loss*100)
	if c.Rate > 0 {
		s += fmt.Sprintf(", %s/s cap (queue %s)", fmtBytes(c.Rate), fmtBytes(c.queue()))
	}
	return s
}

func (c wanConfig) queue() int64 {
	if c.Queue > 0 {
		return c.Queue
	}
	bdp := int64(float64(c.Rate) * c.RTT.Seconds())
	return max(bdp, 64<<10)
}

// shaper decides, packet by packet, whether a packet is dropped and when
// it leaves the link. It is the whole emulation model, kept free of I/O so
// it can be tested: random loss first (the wire), then a FIFO drained at
// Rate with a tail-drop queue of Queue bytes, then a fixed delay of RTT/2.
type shaper struct {
	cfg   wanConfig
	delay time.Duration
	rng   *rand.Rand
	busy  time.Time // when the bottleneck finishes sending what it holds
}

func newShaper(cfg wanConfig, seed uint64) *shaper {
	return &shaper{cfg: cfg, delay: cfg.RTT / 2, rng: rand.New(rand.NewPCG(seed, seed^0x5eed))}
}

type verdict int

const (
	pass verdict = iota
	lost
	overflow
)

// admit returns the verdict for a packet of n bytes arriving at now and,
// when it passes, the time it is delivered.
func (s *shaper) admit(now time.Time, n int) (verdict, time.Time) {
	if s.cfg.Loss > 0 && s.rng.Float64() < s.cfg.Loss {
		return lost, time.Time{}
	}
	if s.cfg.Rate <= 0 {
		return pass, now.Add(s.delay)
	}
	start := s.busy
	if start.Before(now) {
		start = now
	}
	backlog := int64(start.Sub(now).Seconds() * float64(s.cfg.Rate))
	if backlog+int64(n) > s.cfg.queue() {
		return overflow, time.Time{}
	}
	s.busy = start.Add(time.Duration(float64(n) / float64(s.cfg.Rate) * float64(time.Second)))
	return pass, s.busy.Add(s.delay)
}

// linkStats counts what one direction of the link did.
type linkStats struct {
	Forwarded, Lost, Overflow, Backlog atomic.Int64
}

type packet struct {
	buf *[]byte
	n   int
	due time.Time
}

const tunMTU = 1500

var packetPool = sync.Pool{New: func() any { b := make([]byte, 2048); return &b }}

// forwarder moves IP packets between two TUN devices, one in each
// namespace, through a shaper per direction.
type forwarder struct {
	tun       [2]*os.File
	stats     [2]linkStats
	delivered [2]deliveries // for traces: what each direction handed on, over time
	// payload counts the TCP payload bytes each direction handed on
	// (retransmissions included): what the receiving side paid for.
	payload [2]atomic.Int64
	wg      sync.WaitGroup
}

// tcpPayloadLen is the TCP payload length of an IPv4 packet, 0 for
// anything else or a packet too short to tell.
func tcpPayloadLen(p []byte) int {
	if len(p) < 20 || p[0]>>4 != 4 || p[9] != 6 {
		return 0
	}
	ihl := int(p[0]&0x0f) * 4
	total := int(p[2])<<8 | int(p[3])
	if ihl < 20 || len(p) < ihl+20 || total > len(p) {
		return 0
	}
	tcpHdr := int(p[ihl+12]>>4) * 4
	return max(0, total-ihl-tcpHdr)
}

// deliveries counts the bytes one direction of the link delivered per
// deliveryBin since reset: the link's own view of a run, which the
// server's (bytes written into socket buffers) is not.
type deliveries struct {
	on   atomic.Bool // counting: between reset and take (no lock per packet otherwise)
	mu   sync.Mutex
	t0   time.Time
	bins []int64
}

const deliveryBin = 10 * time.Millisecond

func (d *deliveries) reset(t0 time.Time) {
	d.mu.Lock()
	d.t0, d.bins = t0, d.bins[:0]
	d.mu.Unlock()
	d.on.Store(true)
}

// add counts n bytes delivered now.
func (d *deliveries) add(n int) {
	if !d.on.Load() {
		return
	}
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.t0.IsZero() || now.Before(d.t0) {
		return
	}
	i := int(now.Sub(d.t0) / deliveryBin)
	for len(d.bins) <= i {
		d.bins = append(d.bins, 0)
	}
	d.bins[i] += int64(n)
}

// take returns the bins since reset and stops counting.
func (d *deliveries) take() (time.Time, []int64) {
	d.on.Store(false)
	d.mu.Lock()
	defer d.mu.Unlock()
	t0, bins := d.t0, slices.Clone(d.bins)
	d.t0, d.bins = time.Time{}, d.bins[:0]
	return t0, bins
}

// startForwarder owns tunA and tunB (already open) and forwards between
// them until close.
func startForwarder(tunA, tunB *os.File, cfg wanConfig) *forwarder {
	f := &forwarder{tun: [2]*os.File{tunA, tunB}}
	for dir := range 2 {
		ch := make(chan packet, 1<<16)
		f.wg.Add(2)
		go f.read(dir, newShaper(cfg, uint64(dir)+1), ch)
		go f.write(dir, ch)
	}
	return f
}

func (f *forwarder) read(dir int, sh *shaper, ch chan<- packet) {
	defer f.wg.Done()
	defer close(ch)
	in, st := f.tun[dir], &f.stats[dir]
	for {
		bp := packetPool.Get().(*[]byte)
		n, err := in.Read(*bp)
		if err != nil {
			packetPool.Put(bp)
			return
		}
		v, due := sh.admit(time.Now(), n)
		switch v {
		case lost:
			st.Lost.Add(1)
			packetPool.Put(bp)
			continue
		case overflow:
			st.Overflow.Add(1)
			packetPool.Put(bp)
			continue
		}
		select {
		case ch <- packet{bp, n, due}:
		default: // the delay line itself is full: a hidden drop, counted
			st.Backlog.Add(1)
			packetPool.Put(bp)
		}
	}
}

func (f *forwarder) write(dir int, ch <-chan packet) {
	defer f.wg.Done()
	out, st := f.tun[1-dir], &f.stats[dir]
	for p := range ch {
		if d := time.Until(p.due); d > 0 {
			time.Sleep(d)
		}
		if _, err := out.Write((*p.buf)[:p.n]); err == nil {
			st.Forwarded.Add(1)
			f.delivered[dir].add(p.n)
			f.payload[dir].Add(int64(tcpPayloadLen((*p.buf)[:p.n])))
		}
		packetPool.Put(p.buf)
	}
}

func (f *forwarder) close() {
	for _, t := range f.tun {
		t.Close()
	}
	f.wg.Wait()
}

func (f *forwarder) summary() string {
	s := ""
	for dir, name := range []string{"srv→cli", "cli→srv"} {
		st := &f.stats[dir]
		s += fmt.Sprintf("%s: %d forwarded, %d lost, %d queue drops, %d delay-line drops; ",
			name, st.Forwarded.Load(), st.Lost.Load(), st.Overflow.Load(), st.Backlog.Load())
	}
	return s
}

// openTUN creates TUN device name in the calling thread's network
// namespace and returns it as a pollable file.
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("TUNSETIFF %s: %w", name, err)
	}
	f := os.NewFile(uintptr(fd), name)
	if f == nil {
		return nil, errors.New("os.NewFile failed")
	}
	return f, nil
}
