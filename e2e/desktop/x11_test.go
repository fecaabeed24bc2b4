package desktop

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// closeWindow asks an X11 window to close the way a window manager's close
// button does: a WM_PROTOCOLS/WM_DELETE_WINDOW client message, which the
// app may intercept. (xdotool windowclose destroys the window instead, and
// wmctrl -c and Alt+F4 need a window manager, which Xvfb runs without.)
// It speaks the X11 wire protocol directly so the test needs no Xlib.
func closeWindow(display int, window uint32) error {
	c, err := net.DialTimeout("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", display), 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	le := binary.LittleEndian

	// Connection setup: little-endian, protocol 11.0, no authorisation
	// (Xvfb started without -auth accepts local clients).
	setup := make([]byte, 12)
	setup[0] = 'l'
	le.PutUint16(setup[2:], 11)
	if _, err := c.Write(setup); err != nil {
		return err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(c, head); err != nil {
		return err
	}
	rest := make([]byte, 4*int(le.Uint16(head[6:])))
	if _, err := io.ReadFull(c, rest); err != nil {
		return err
	}
	if head[0] != 1 {
		return fmt.Errorf("X server refused the connection: %q", rest)
	}

	reply := func() ([]byte, error) {
		r := make([]byte, 32)
		if _, err := io.ReadFull(c, r); err != nil {
			return nil, err
		}
		if r[0] == 0 {
			return nil, fmt.Errorf("X error code %d", r[1])
		}
		if r[0] != 1 {
			return nil, errors.New("unexpected X event")
		}
		return r, nil
	}
	intern := func(name string) (uint32, error) {
		n := len(name)
		pad := (4 - n%4) % 4
		req := make([]byte, 8+n+pad)
		req[0] = 16 // InternAtom
		le.PutUint16(req[2:], uint16(len(req)/4))
		le.PutUint16(req[4:], uint16(n))
		copy(req[8:], name)
		if _, err := c.Write(req); err != nil {
			return 0, err
		}
		r, err := reply()
		if err != nil {
			return 0, err
		}
		return le.Uint32(r[8:]), nil
	}
	protocols, err := intern("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	del, err := intern("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}

	req := make([]byte, 44)
	req[0] = 25 // SendEvent, propagate = false
	le.PutUint16(req[2:], 11)
	le.PutUint32(req[4:], window) // destination; event mask 0 = its creator
	ev := req[12:]
	ev[0] = 33 // ClientMessage
	ev[1] = 32 // format
	le.PutUint32(ev[4:], window)
	le.PutUint32(ev[8:], protocols)
	le.PutUint32(ev[12:], del) // data.l[0]; data.l[1] = CurrentTime
	// GetInputFocus has a reply: reading it proves the server processed
	// the SendEvent before it.
	sync := []byte{43, 0, 1, 0}
	if _, err := c.Write(append(req, sync...)); err != nil {
		return err
	}
	_, err = reply()
	return err
}
