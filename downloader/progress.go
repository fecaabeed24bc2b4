package downloader

import (
	"math"
	"sync"
	"time"
)

// meter turns a monotonically growing byte count into a smoothed rate.
// It is sampled on the manager's clock, never per read.
type meter struct {
	mu       sync.Mutex
	lastN    int64
	lastT    time.Time
	rate     float64
	hasValue bool
}

// speedHalfLife is how fast the displayed speed follows changes: short
// enough to react to a pause, long enough not to flicker.
const speedHalfLife = 2 * time.Second

func (m *meter) sample(n int64, now time.Time) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lastT.IsZero() || n < m.lastN {
		m.lastN, m.lastT, m.rate, m.hasValue = n, now, 0, false
		return 0
	}
	dt := now.Sub(m.lastT).Seconds()
	if dt <= 0 {
		return int64(m.rate)
	}
	inst := float64(n-m.lastN) / dt
	if !m.hasValue {
		m.rate, m.hasValue = inst, true
	} else {
		alpha := 1 - pow2(-dt/speedHalfLife.Seconds())
		m.rate += alpha * (inst - m.rate)
	}
	m.lastN, m.lastT = n, now
	return int64(m.rate)
}

func (m *meter) reset() {
	m.mu.Lock()
	m.lastN, m.lastT, m.rate, m.hasValue = 0, time.Time{}, 0, false
	m.mu.Unlock()
}

func (m *meter) current() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(m.rate)
}

// pow2 is 2^x for the small negative exponents the meter uses.
func pow2(x float64) float64 {
	return math.Exp(x * math.Ln2)
}

// eta is the time left at the given speed, -1 when unknown.
func eta(size, done, speed int64) time.Duration {
	if size < 0 || speed <= 0 {
		return -1
	}
	left := size - done
	if left <= 0 {
		return 0
	}
	return time.Duration(float64(left) / float64(speed) * float64(time.Second))
}
