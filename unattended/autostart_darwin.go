package unattended

// SystemAutostart is this system's way to start with the session.
func SystemAutostart() (Autostart, error) { return NewLaunchAgent() }
