// Package tasklist reads and writes lists of downloads so they can leave
// and enter Haul: plain text files of links, aria2 input files (the -i
// format: a URI line, then indented "key=value" options), and a JSON
// listing.
//
// Exports never carry secrets: Cookie and Authorization headers are left
// out, and a password in a link's user info is removed (the user name is
// kept), so a list can be shared without leaking a login. Such a task
// may need its login again after an import.
package tasklist
