module haul

go 1.26.0

require (
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/godbus/dbus/v5 v5.2.4 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)
