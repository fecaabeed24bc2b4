package gui

import (
	"strings"
	"testing"

	"haul/downloader"
)

// FuzzParseLinks: whatever is pasted into the add dialog, every link it
// accepts is one the engine accepts, and every other token gets a
// sentence.
func FuzzParseLinks(f *testing.F) {
	for _, seed := range []string{
		"https://example.com/a.iso\nhttp://h/b c\n# comment\n\n",
		"ftp://x/y https://ok/z javascript:alert(1)",
		"http://[::1]:8080/f\thttps://例子.测试/文件.zip",
		"http://\nhttps:///nohost\n\x00\r\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		valid, problems := parseLinks(text)
		tokens := 0
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			tokens += len(strings.Fields(line))
		}
		if len(valid)+len(problems) != tokens {
			t.Fatalf("%d tokens, %d valid + %d problems", tokens, len(valid), len(problems))
		}
		for _, v := range valid {
			if _, err := downloader.ParseURL(v); err != nil {
				t.Fatalf("dialog accepts %q, engine refuses it: %v", v, err)
			}
		}
	})
}
