// Package nmhost is Haul's WebExtensions native messaging host, app.haul.host:
// the browser starts the haul binary with the extension's origin as argument
// and talks to it over stdin/stdout in length-prefixed JSON messages
// (https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging,
// https://developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/Native_messaging).
//
// The host hands each download to the running Haul through a Submitter,
// records when an extension last made contact, and writes the host
// manifests every supported browser reads (Register).
//
// Nothing but framed messages is ever written to stdout: a stray byte
// there breaks the browser's reading of the stream.
package nmhost
