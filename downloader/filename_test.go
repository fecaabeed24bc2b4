package downloader

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", s, err)
	}
	return u
}

func TestFileNameFromResponse(t *testing.T) {
	tests := []struct {
		name, cd, url, ct, want string
	}{
		{"rfc5987 utf8", `attachment; filename*=UTF-8''%E4%B8%AD%E6%96%87.zip`, "", "", "中文.zip"},
		{"rfc5987 lowercase charset and lang", `attachment; filename*=utf-8'en'na%C3%AFve.txt`, "", "", "naïve.txt"},
		{"rfc5987 latin1", `attachment; filename*=ISO-8859-1''caf%E9.txt`, "", "", "café.txt"},
		{"rfc5987 quoted by mistake", `attachment; filename*="UTF-8''a%20b.pdf"`, "", "", "a b.pdf"},
		{"filename* preferred after", `attachment; filename="fallback.zip"; filename*=UTF-8''%E2%82%AC.zip`, "", "", "€.zip"},
		{"filename* preferred before", `attachment; filename*=UTF-8''%E2%82%AC.zip; filename="fallback.zip"`, "", "", "€.zip"},
		{"bad utf8 in filename* falls back", `attachment; filename*=UTF-8''%FF%FE.zip; filename="ok.zip"`, "", "", "ok.zip"},
		{"empty filename* falls back", `attachment; filename*=UTF-8''; filename="ok.zip"`, "", "", "ok.zip"},
		{"quoted", `attachment; filename="report.pdf"`, "", "", "report.pdf"},
		{"quoted with escaped quotes", `attachment; filename="say \"hi\".txt"`, "", "", `say "hi".txt`},
		{"quoted with semicolon", `attachment; filename="a;b.txt"; size=3`, "", "", "a;b.txt"},
		{"token", `attachment; filename=report.pdf`, "", "", "report.pdf"},
		{"unquoted with spaces", `attachment; filename=my report final.pdf`, "", "", "my report final.pdf"},
		{"unquoted with spaces then param", `attachment; filename=my report.pdf ; size=10`, "", "", "my report.pdf"},
		{"missing closing quote", `attachment; filename="unterminated.zip`, "", "", "unterminated.zip"},
		{"uppercase param", `ATTACHMENT; FILENAME="UP.TXT"`, "", "", "UP.TXT"},
		{"spaces around equals", `attachment; filename = "sp.txt"`, "", "", "sp.txt"},
		{"no disposition type", `filename="bare.txt"`, "", "", "bare.txt"},
		{"inline", `inline; filename=x.png`, "", "", "x.png"},
		{"raw utf8 in filename", "attachment; filename=\"\u4e2d.zip\"", "", "", "中.zip"},
		{"latin1 bytes in filename", "attachment; filename=\"caf\xe9.txt\"", "", "", "café.txt"},
		{"percent-encoded plain filename", `attachment; filename="%E4%B8%AD%E6%96%87.zip"`, "", "", "中文.zip"},
		{"percent that is not utf8 kept", `attachment; filename="100%FF.zip"`, "", "", "100%FF.zip"},
		{"lone percent kept", `attachment; filename="100%.zip"`, "", "", "100%.zip"},
		{"rfc2047 plain filename", `attachment; filename="=?UTF-8?B?5Lit5paHLnppcA==?="`, "", "", "中文.zip"},
		{"first duplicate wins", `attachment; filename=a.txt; filename=b.txt`, "", "", "a.txt"},
		{"path in filename is raw", `attachment; filename="../../etc/passwd"`, "", "", "../../etc/passwd"},
		{"unusable cd falls back to url", `attachment; filename="../.."`, "https://h/dir/file.iso", "", "file.iso"},
		{"empty cd", ``, "https://example.com/files/linux.iso?x=1#f", "", "linux.iso"},
		{"junk cd", `;;;===;"`, "https://example.com/a.bin", "", "a.bin"},
		{"url trailing slash", "", "https://example.com/releases/v1/", "", "v1"},
		{"url percent decoded", "", "https://example.com/a%20b%C3%A9.txt", "", "a bé.txt"},
		{"url encoded slash stays in segment", "", "https://example.com/a%2Fb.txt", "", "a/b.txt"},
		{"url invalid utf8 kept escaped", "", "https://example.com/%FF.bin", "", "%FF.bin"},
		{"url dotdot unusable", "", "https://example.com/a/..", "", "download"},
		{"url root", "", "https://example.com/", "", "download"},
		{"url root with type", "", "https://example.com/", "application/pdf", "download.pdf"},
		{"nil url", "", "", "", "download"},
		{"append ext from type", "", "https://example.com/get", "application/zip", "get.zip"},
		{"append ext ignores params and case", "", "https://example.com/get", "Text/HTML; charset=utf-8", "get.html"},
		{"iso type", "", "https://example.com/image", "application/x-iso9660-image", "image.iso"},
		{"mp4 type", `attachment; filename=clip`, "", "video/mp4", "clip.mp4"},
		{"keep existing ext", "", "https://example.com/get.php", "application/zip", "get.php"},
		{"unknown type", "", "https://example.com/get", "application/octet-stream", "get"},
		{"trailing dot before ext", `attachment; filename="report."`, "", "application/pdf", "report.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u *url.URL
			if tt.url != "" {
				u = mustURL(t, tt.url)
			}
			if got := fileNameFromResponse(tt.cd, u, tt.ct); got != tt.want {
				t.Errorf("fileNameFromResponse(%q, %q, %q) = %q, want %q", tt.cd, tt.url, tt.ct, got, tt.want)
			}
		})
	}
}

func TestSanitizeName(t *testing.T) {
	long := strings.Repeat("a", 300)
	cjk := strings.Repeat("中", 100) // 300 bytes
	tests := []struct {
		name, in, want string
	}{
		{"plain", "file.zip", "file.zip"},
		{"unicode kept", "中文 ñ.zip", "中文 ñ.zip"},
		{"dotdot path", "../../x", "x"},
		{"absolute", "/etc/passwd", "passwd"},
		{"windows path", `C:\Windows\x.exe`, "x.exe"},
		{"mixed separators", `a/b\c.txt`, "c.txt"},
		{"trailing slash", "dir/", "dir"},
		{"dotdot", "..", "download"},
		{"dot", ".", "download"},
		{"dotdot slash", "../", "download"},
		{"empty", "", "download"},
		{"spaces only", "   ", "download"},
		{"dotfile kept", ".bashrc", ".bashrc"},
		{"CON", "CON", "_CON"},
		{"con lower", "con", "_con"},
		{"nul.txt", "nul.txt", "_nul.txt"},
		{"nul.tar.gz", "nul.tar.gz", "_nul.tar.gz"},
		{"com1", "COM1.log", "_COM1.log"},
		{"lpt9", "lpt9", "_lpt9"},
		{"com superscript", "COM¹", "_COM¹"},
		{"reserved with space", "aux .txt", "_aux .txt"},
		{"not reserved", "console.txt", "console.txt"},
		{"not reserved com10", "COM10", "COM10"},
		{"nul byte", "a\x00b", "ab"},
		{"crlf", "\r\n", "download"},
		{"crlf inside", "a\r\nb.txt", "ab.txt"},
		{"tab and del", "a\tb\x7f.txt", "ab.txt"},
		{"c1 control", "a\u0085b", "ab"},
		{"windows invalid", `a<b>c:d"e|f?g*h.txt`, "a_b_c_d_e_f_g_h.txt"},
		{"trailing dots and spaces", "x.exe. . ", "x.exe"},
		{"leading spaces", "  x.txt", "x.txt"},
		{"rtl override", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"other bidi", "\u2066a\u2069\u200f.txt", "a.txt"},
		{"bom", "\ufeffa.txt", "a.txt"},
		{"invalid utf8", "a\xffb.txt", "a\uFFFDb.txt"},
		{"300 bytes", long, long[:255]},
		{"300 bytes with ext", long + ".zip", long[:251] + ".zip"},
		{"300 bytes cjk", cjk, strings.Repeat("中", 85)},
		{"300 bytes cjk with ext", cjk + ".zip", strings.Repeat("中", 83) + ".zip"},
		{"long ext not kept", "a." + long, "a." + long[:253]},
		{"truncation leaves trailing space", strings.Repeat("a", 250) + "     b", strings.Repeat("a", 250)},
		{"truncation exposes reserved", "con" + strings.Repeat(" ", 300) + "x", "_con"},
		{"reserved long ext", "con." + long, "_con." + long[:250]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeName(tt.in)
			if got != tt.want {
				t.Errorf("SanitizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkSafeName(t, tt.in, got)
		})
	}
}

// checkSafeName asserts the invariants every sanitized name must have.
func checkSafeName(t *testing.T, in, got string) {
	t.Helper()
	switch {
	case got == "" || got == "." || got == "..":
		t.Fatalf("SanitizeName(%q) = %q: empty or dot name", in, got)
	case !utf8.ValidString(got):
		t.Fatalf("SanitizeName(%q) = %q: invalid UTF-8", in, got)
	case len(got) > maxNameBytes:
		t.Fatalf("SanitizeName(%q) = %q: %d bytes", in, got, len(got))
	case strings.ContainsAny(got, "/\\\x00"):
		t.Fatalf("SanitizeName(%q) = %q: separator or NUL", in, got)
	case strings.HasSuffix(got, ".") || strings.HasSuffix(got, " "):
		t.Fatalf("SanitizeName(%q) = %q: trailing dot or space", in, got)
	case isReservedName(got):
		t.Fatalf("SanitizeName(%q) = %q: reserved on Windows", in, got)
	}
	for _, r := range got {
		if mapNameRune(r) != r {
			t.Fatalf("SanitizeName(%q) = %q: contains %U", in, got, r)
		}
	}
	dir := filepath.Join("base", "dir")
	p := filepath.Join(dir, got)
	if filepath.Dir(p) != dir || filepath.Base(p) != got {
		t.Fatalf("SanitizeName(%q) = %q: Join escapes or splits: %q", in, got, p)
	}
	if again := SanitizeName(got); again != got {
		t.Fatalf("SanitizeName not idempotent: %q → %q → %q", in, got, again)
	}
}

func TestUniqueName(t *testing.T) {
	folder := filepath.Join("tmp", "dl")
	taken := func(names ...string) func(string) bool {
		set := make(map[string]bool)
		for _, n := range names {
			set[joinPath(folder, n)] = true
		}
		return func(p string) bool { return set[p] }
	}
	long := strings.Repeat("b", 250)
	tests := []struct {
		name, in string
		taken    []string
		want     string
	}{
		{"free", "a.zip", nil, "a.zip"},
		{"first", "a.zip", []string{"a.zip"}, "a (1).zip"},
		{"third", "a.zip", []string{"a.zip", "a (1).zip", "a (2).zip"}, "a (3).zip"},
		{"no ext", "README", []string{"README"}, "README (1)"},
		{"tar.gz", "archive.tar.gz", []string{"archive.tar.gz"}, "archive (1).tar.gz"},
		{"TAR.XZ", "x.TAR.XZ", []string{"x.TAR.XZ"}, "x (1).TAR.XZ"},
		{"gz alone", "x.gz", []string{"x.gz"}, "x (1).gz"},
		{"dotfile", ".bashrc", []string{".bashrc"}, ".bashrc (1)"},
		{"sanitizes", "../x.txt", []string{"x.txt"}, "x (1).txt"},
		{"long", long + ".zip", []string{long + ".zip"}, long[:247] + " (1).zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := uniqueName(folder, tt.in, taken(tt.taken...))
			if got != tt.want {
				t.Errorf("uniqueName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if len(got) > maxNameBytes {
				t.Errorf("uniqueName(%q) = %d bytes", tt.in, len(got))
			}
		})
	}

	t.Run("checks full path", func(t *testing.T) {
		var seen []string
		uniqueName(folder, "f.txt", func(p string) bool {
			seen = append(seen, p)
			return len(seen) < 2
		})
		want := []string{joinPath(folder, "f.txt"), joinPath(folder, "f (1).txt")}
		if strings.Join(seen, "|") != strings.Join(want, "|") {
			t.Errorf("exists called with %q, want %q", seen, want)
		}
	})
	t.Run("gives up", func(t *testing.T) {
		if got := uniqueName(folder, "f", func(string) bool { return true }); got != "" {
			t.Errorf("uniqueName with everything taken = %q, want \"\"", got)
		}
	})
	t.Run("cjk stays valid", func(t *testing.T) {
		name := strings.Repeat("中", 85)
		got := uniqueName(folder, name, taken(name))
		if !utf8.ValidString(got) || len(got) > maxNameBytes || !strings.HasSuffix(got, " (1)") {
			t.Errorf("uniqueName(cjk) = %q (%d bytes)", got, len(got))
		}
	})
}

func FuzzContentDisposition(f *testing.F) {
	seeds := []struct{ cd, url, ct string }{
		{`attachment; filename*=UTF-8''%E4%B8%AD%E6%96%87.zip`, "https://h/x", ""},
		{`attachment; filename="a.zip"; filename*=UTF-8''b.zip`, "", "application/zip"},
		{`attachment; filename="say \"hi\".txt"`, "", ""},
		{`attachment; filename=my file.pdf`, "https://h/", "application/pdf"},
		{`attachment; filename="unterminated`, "", ""},
		{`attachment; filename="../../etc/passwd"`, "https://h/../..", ""},
		{`attachment; filename="CON"`, "", "text/plain"},
		{`attachment; filename="=?UTF-8?B?5Lit5paHLnppcA==?="`, "", ""},
		{"attachment; filename=\"a\x00b\r\n\"", "https://h/%00", ""},
		{`attachment; filename*=ISO-8859-1''%E9`, "https://h/%2F..%2F", ""},
		{`attachment; filename="` + strings.Repeat("中", 100) + `"`, "", ""},
		{";;=\"\\", "https://h/\u202e", "x"},
	}
	for _, s := range seeds {
		f.Add(s.cd, s.url, s.ct)
	}
	dir := filepath.Join("srv", "downloads")
	f.Fuzz(func(t *testing.T, cd, rawURL, ct string) {
		u, err := url.Parse(rawURL)
		if err != nil {
			u = nil
		}
		raw := fileNameFromResponse(cd, u, ct)
		if raw == "" {
			t.Fatalf("fileNameFromResponse(%q, %q, %q) is empty", cd, rawURL, ct)
		}
		name := SanitizeName(raw)
		checkSafeName(t, raw, name)
		rel, err := filepath.Rel(dir, filepath.Join(dir, name))
		if err != nil || rel != name {
			t.Fatalf("name %q escapes %q: rel=%q err=%v", name, dir, rel, err)
		}
	})
}

func FuzzSanitizeName(f *testing.F) {
	for _, s := range []string{
		"", ".", "..", "../../x", "/etc/passwd", `C:\Windows\x.exe`, "CON", "nul.txt",
		"a\x00b", "\r\n", "x\u202eexe.txt", "a\xff", strings.Repeat("a", 300),
		strings.Repeat("中", 100) + ".zip", "con" + strings.Repeat(" ", 300) + "x",
		"con." + strings.Repeat("x", 300), " . . ", "COM¹.txt",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSafeName(t, in, SanitizeName(in))
		got := uniqueName("d", in, func(p string) bool { return !strings.HasSuffix(p, ")") })
		if got != "" {
			checkSafeName(t, in, got)
		}
	})
}
