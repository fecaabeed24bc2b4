package downloader

import "sync"

// subscriber delivers events to one consumer without ever blocking the
// engine: state events queue up (never dropped), progress events for a
// task replace the previous undelivered one (coalesced). A pump goroutine,
// owned by the subscription, hands them over at the consumer's pace.
type subscriber struct {
	mu      sync.Mutex
	queue   []Event
	pending map[string]int // task id → index of its undelivered progress event
	wake    chan struct{}
	out     chan Event
	done    chan struct{}
	once    sync.Once
}

func newSubscriber() *subscriber {
	s := &subscriber{
		pending: map[string]int{},
		wake:    make(chan struct{}, 1),
		out:     make(chan Event, 64),
		done:    make(chan struct{}),
	}
	go s.pump()
	return s
}

func (s *subscriber) push(ev Event) {
	s.mu.Lock()
	id := ev.Task.ID
	if ev.Kind == EventProgress {
		if i, ok := s.pending[id]; ok {
			s.queue[i] = ev
			s.mu.Unlock()
			return
		}
		s.pending[id] = len(s.queue)
	} else {
		// Later progress must come after this event, not replace an
		// earlier one that precedes it.
		delete(s.pending, id)
	}
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscriber) pump() {
	defer close(s.out)
	for {
		select {
		case <-s.wake:
		case <-s.done:
			return
		}
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		clear(s.pending)
		s.mu.Unlock()
		for _, ev := range batch {
			select {
			case s.out <- ev:
			case <-s.done:
				return
			}
		}
	}
}

func (s *subscriber) stop() { s.once.Do(func() { close(s.done) }) }
