package downloader

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"haul/downloader/testserver"
)

func TestNameCollision(t *testing.T) {
	f := testserver.File{Size: 300 << 10, Seed: 201}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	cases := []struct {
		name     string
		existing []string // files already in the folder
		want     string
	}{
		{"free", nil, "f.bin"},
		{"file exists", []string{"f.bin"}, "f (1).bin"},
		{"file and first number exist", []string{"f.bin", "f (1).bin"}, "f (2).bin"},
		{"someone else's part file", []string{"f.bin.part"}, "f (1).bin"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			mine := map[string][]byte{}
			for _, n := range c.existing {
				b := []byte("precious " + n)
				mine[n] = b
				if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m := openTest(t, newMemStore(), dir, nil)
			id := ftAdd(t, m, Request{URL: srv.URL("/f.bin"), Options: Options{Connections: 2}})
			s := ftEnd(t, m, id)
			if s.State != StateCompleted {
				t.Fatalf("state %s: %q", s.State, s.Error)
			}
			if s.Name != c.want {
				t.Errorf("saved as %q, want %q", s.Name, c.want)
			}
			if got := fileSHA(t, s.Path()); got != f.SHA256() {
				t.Error("downloaded content wrong")
			}
			for n, b := range mine {
				got, err := os.ReadFile(filepath.Join(dir, n))
				if err != nil || string(got) != string(b) {
					t.Errorf("existing %q touched: now %d bytes, %v", n, len(got), err)
				}
			}
			if len(c.existing) > 0 && !ftLogHas(s, "already exists") {
				t.Errorf("log does not explain the new name: %q", ftLog(s))
			}
		})
	}
}

func TestNameSameForTwoTasks(t *testing.T) {
	// Two different files that both want to be "same.bin", downloading at
	// the same time into one folder.
	a := testserver.File{Size: 1 << 20, Seed: 211, ContentDisposition: `attachment; filename="same.bin"`}
	b := testserver.File{Size: 1<<20 + 1, Seed: 212, ContentDisposition: `attachment; filename="same.bin"`}
	srv := testserver.New(testserver.WithFile("/a", a), testserver.WithFile("/b", b), testserver.WithPerConnRate(1<<20))
	defer srv.Close()
	dir := t.TempDir()
	m := openTest(t, newMemStore(), dir, nil)
	ids := []string{
		ftAdd(t, m, Request{URL: srv.URL("/a"), Options: Options{Connections: 2}}),
		ftAdd(t, m, Request{URL: srv.URL("/b"), Options: Options{Connections: 2}}),
	}
	sa, sb := ftEnd(t, m, ids[0]), ftEnd(t, m, ids[1])
	ftWantFile(t, sa, a)
	ftWantFile(t, sb, b)
	if sa.Name == sb.Name {
		t.Fatalf("both saved as %q", sa.Name)
	}
	for _, n := range []string{sa.Name, sb.Name} {
		if n != "same.bin" && n != "same (1).bin" {
			t.Errorf("unexpected name %q", n)
		}
	}
}

// ftTree lists every path under root with its content hash.
func ftTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNameHostile(t *testing.T) {
	long := strings.Repeat("a", 396) + ".bin"
	cases := []struct {
		disposition string
		// want, if set, is the exact name expected.
		want string
	}{
		{`attachment; filename="../../x"`, "x"},
		{`attachment; filename="/etc/passwd"`, "passwd"},
		{`attachment; filename="..\\..\\evil.exe"`, "evil.exe"},
		{`attachment; filename=..\..\evil2.exe`, "evil2.exe"},
		{`attachment; filename*=UTF-8''..%2F..%2Fpct.txt`, "pct.txt"},
		{`attachment; filename*=UTF-8''a%0Ab%07c%00d%1B.txt`, "abcd.txt"},
		{`attachment; filename="CON"`, ""},
		{`attachment; filename="nul.txt"`, ""},
		{`attachment; filename="com1.tar.gz"`, ""},
		{`attachment; filename="` + long + `"`, ""},
		{`attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe`, "invoicefdp.exe"},
		{`attachment; filename=".."`, ""},
		{`attachment; filename="..."`, ""},
		{`attachment; filename="a:b*c?.txt"`, "a_b_c_.txt"},
		{`attachment; filename="trailing.exe. . "`, "trailing.exe"},
	}
	// root/a/b/dl is the download folder, so "../../x" would land in root/a.
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "dl")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	passwd, _ := os.ReadFile("/etc/passwd")
	opts := []testserver.Option{}
	for i, c := range cases {
		opts = append(opts, testserver.WithFile(fmt.Sprintf("/h%d", i), testserver.File{Size: 4096 + int64(i), Seed: uint64(300 + i), ContentDisposition: c.disposition}))
	}
	srv := testserver.New(opts...)
	defer srv.Close()
	m := openTest(t, newMemStore(), dir, nil)
	var ids []string
	for i := range cases {
		ids = append(ids, ftAdd(t, m, Request{URL: srv.URL(fmt.Sprintf("/h%d", i))}))
	}
	seen := map[string]int{}
	for i, c := range cases {
		s := ftEnd(t, m, ids[i])
		if s.State != StateCompleted {
			t.Errorf("%s: state %s: %q", c.disposition, s.State, s.Error)
			continue
		}
		name := s.Name
		rel, err := filepath.Rel(dir, s.Path())
		if err != nil || rel != name || strings.ContainsAny(rel, `/\`) || rel == "." || rel == ".." {
			t.Errorf("%s: saved as %q (rel %q, %v): not a plain name inside the folder", c.disposition, name, rel, err)
		}
		if len(name) > 255 || name == "" || !utf8.ValidString(name) {
			t.Errorf("%s: bad name %q (%d bytes)", c.disposition, name, len(name))
		}
		if strings.ContainsFunc(name, func(r rune) bool {
			return unicode.IsControl(r) || r == '\u202e' || strings.ContainsRune(`<>:"|?*`, r)
		}) {
			t.Errorf("%s: name %q keeps a dangerous character", c.disposition, name)
		}
		if isReservedName(name) {
			t.Errorf("%s: name %q is a Windows device", c.disposition, name)
		}
		if strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") || strings.HasPrefix(name, " ") {
			t.Errorf("%s: name %q has edge dots or spaces", c.disposition, name)
		}
		if c.want != "" && name != c.want {
			t.Errorf("%s: saved as %q, want %q", c.disposition, name, c.want)
		}
		if prev, dup := seen[name]; dup {
			t.Errorf("%s: name %q also used by case %d", c.disposition, name, prev)
		}
		seen[name] = i
		want := testserver.File{Size: 4096 + int64(i), Seed: uint64(300 + i)}
		if fileSHA(t, filepath.Join(dir, name)) != want.SHA256() {
			t.Errorf("%s: content wrong", c.disposition)
		}
	}
	// Nothing outside the download folder changed.
	tree := ftTree(t, root)
	for p := range tree {
		if p == "./" || p == "a/" || p == "a/b/" || p == "a/b/dl/" {
			continue
		}
		if !strings.HasPrefix(p, "a/b/dl/") {
			t.Errorf("written outside the download folder: %s", p)
		}
	}
	if got, _ := os.ReadFile("/etc/passwd"); string(got) != string(passwd) {
		t.Error("/etc/passwd changed")
	}
	if n := len(tree) - 4; n != len(cases) {
		t.Errorf("%d files in the download folder, want %d: %v", n, len(cases), tree)
	}
}
