package downloader

// Version is reported in the default User-Agent.
var Version = "0.1.0"
