package desktop

import (
	"fmt"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
)

// notification is one Notify call as the server received it.
type notification struct {
	AppName, AppIcon, Summary, Body string
	Actions                         []string // key, label, key, label…
	Timeout                         int32
}

// fakeDesktop owns org.kde.StatusNotifierWatcher and
// org.freedesktop.Notifications on the test's bus, as a desktop's panel
// and notification daemon would, and records what the app sends.
type fakeDesktop struct {
	conn *dbus.Conn

	mu      sync.Mutex
	items   []trayItem // RegisterStatusNotifierItem calls
	notes   []notification
	changed chan struct{} // poked on every call
}

// trayItem is one registration: the caller's unique bus name and the
// service or object path it passed.
type trayItem struct {
	Sender  string
	Service string
}

func newFakeDesktop(t *testing.T, busAddr string) *fakeDesktop {
	t.Helper()
	return startFake(t, busAddr, true)
}

// newFakeTray owns only the tray watcher, leaving notifications to a
// real daemon (dunst) that draws them.
func newFakeTray(t *testing.T, busAddr string) *fakeDesktop {
	t.Helper()
	return startFake(t, busAddr, false)
}

func startFake(t *testing.T, busAddr string, notifications bool) *fakeDesktop {
	t.Helper()
	conn, err := dbus.Connect(busAddr)
	if err != nil {
		t.Fatalf("connect to the test bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	f := &fakeDesktop{conn: conn, changed: make(chan struct{}, 1)}

	if err := conn.Export((*watcher)(f), "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	names := []string{"org.kde.StatusNotifierWatcher"}
	if notifications {
		if err := conn.Export((*notifier)(f), "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
			t.Fatal(err)
		}
		names = append(names, "org.freedesktop.Notifications")
	}
	for _, name := range names {
		reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
		if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
			t.Fatalf("own %s on the test bus: %v (reply %d)", name, err, reply)
		}
	}
	return f
}

func (f *fakeDesktop) poke() {
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

// Items returns the tray registrations so far.
func (f *fakeDesktop) Items() []trayItem {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]trayItem(nil), f.items...)
}

// Notes returns the notifications so far.
func (f *fakeDesktop) Notes() []notification {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]notification(nil), f.notes...)
}

// watcher is the org.kde.StatusNotifierWatcher side of fakeDesktop.
type watcher fakeDesktop

func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	f := (*fakeDesktop)(w)
	f.mu.Lock()
	f.items = append(f.items, trayItem{Sender: string(sender), Service: service})
	f.mu.Unlock()
	f.poke()
	return nil
}

func (w *watcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// notifier is the org.freedesktop.Notifications side of fakeDesktop.
type notifier fakeDesktop

func (n *notifier) Notify(appName string, replacesID uint32, appIcon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	f := (*fakeDesktop)(n)
	f.mu.Lock()
	f.notes = append(f.notes, notification{AppName: appName, AppIcon: appIcon, Summary: summary, Body: body,
		Actions: actions, Timeout: timeout})
	id := uint32(len(f.notes))
	f.mu.Unlock()
	f.poke()
	return id, nil
}

func (n *notifier) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"actions", "body", "icon-static"}, nil
}

func (n *notifier) GetServerInformation() (name, vendor, version, specVersion string, err *dbus.Error) {
	return "haul-e2e", "Haul", "1", "1.2", nil
}

func (n *notifier) CloseNotification(uint32) *dbus.Error { return nil }

// menuItem is one entry of a dbusmenu layout.
type menuItem struct {
	ID       int32
	Label    string
	Type     string // "separator" or ""
	Enabled  bool
	Children []menuItem
}

// trayMenu reads the menu of the tray item registered by sender through
// com.canonical.dbusmenu GetLayout, finding the menu's object path from
// the item's Menu property, as a panel does.
func (f *fakeDesktop) trayMenu(it trayItem) (dbus.ObjectPath, []menuItem, error) {
	itemPath := dbus.ObjectPath("/StatusNotifierItem")
	if p := dbus.ObjectPath(it.Service); p.IsValid() && len(it.Service) > 0 && it.Service[0] == '/' {
		itemPath = p
	}
	v, err := f.conn.Object(it.Sender, itemPath).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		return "", nil, fmt.Errorf("read the item's Menu property: %w", err)
	}
	menuPath, ok := v.Value().(dbus.ObjectPath)
	if !ok {
		return "", nil, fmt.Errorf("Menu property is %T, not an object path", v.Value())
	}
	var rev uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	err = f.conn.Object(it.Sender, menuPath).Call("com.canonical.dbusmenu.GetLayout", 0,
		int32(0), int32(-1), []string{}).Store(&rev, &root)
	if err != nil {
		return "", nil, fmt.Errorf("GetLayout: %w", err)
	}
	items, err := menuChildren(root.Children)
	return menuPath, items, err
}

func menuChildren(vs []dbus.Variant) ([]menuItem, error) {
	var out []menuItem
	for _, v := range vs {
		fields, ok := v.Value().([]any)
		if !ok || len(fields) != 3 {
			return nil, fmt.Errorf("menu entry is %T", v.Value())
		}
		id, _ := fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		it := menuItem{ID: id, Enabled: true}
		if l, ok := props["label"].Value().(string); ok {
			it.Label = l
		}
		if ty, ok := props["type"].Value().(string); ok {
			it.Type = ty
		}
		if e, ok := props["enabled"].Value().(bool); ok {
			it.Enabled = e
		}
		kids, _ := fields[2].([]dbus.Variant)
		var err error
		if it.Children, err = menuChildren(kids); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// clickMenu picks the entry labelled label as a panel does: it reads the
// current layout (ids change when the app rebuilds its menu) and sends
// the "clicked" event for that entry.
func (f *fakeDesktop) clickMenu(it trayItem, label string) error {
	menuPath, menu, err := f.trayMenu(it)
	if err != nil {
		return err
	}
	for _, m := range menu {
		if m.Label == label && m.Type != "separator" {
			return f.conn.Object(it.Sender, menuPath).Call("com.canonical.dbusmenu.Event", 0,
				m.ID, "clicked", dbus.MakeVariant(""), uint32(0)).Err
		}
	}
	return fmt.Errorf("no %q in the tray menu", label)
}
