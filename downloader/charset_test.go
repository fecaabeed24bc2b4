package downloader

import (
	"net/url"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"

	"haul/downloader/testserver"
)

// Kind 7: legacy-encoded names decode by the language's charset.
func TestLegacyCharsetNames(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("测试报表.xlsx")
	sjis, _ := japanese.ShiftJIS.NewEncoder().String("テスト.txt")
	u, _ := url.Parse("http://h/x")
	for _, tc := range []struct {
		name, cd, locale, want string
	}{
		{"gbk in zh-Hans", "attachment; filename=" + gbk, "zh-Hans", "测试报表.xlsx"},
		{"gbk in zh_CN locale", "attachment; filename=" + gbk, "zh_CN.UTF-8", "测试报表.xlsx"},
		{"shift_jis in ja", "attachment; filename=" + sjis, "ja_JP.UTF-8", "テスト.txt"},
		{"utf-8 stays utf-8 in zh", "attachment; filename=报表.pdf", "zh-Hans", "报表.pdf"},
		{"latin-1 in english", "attachment; filename=caf\xe9.txt", "en", "café.txt"},
		{"not gbk falls back to latin-1", "attachment; filename=\xff\xfe.txt", "zh-Hans", "ÿþ.txt"},
		{"named charset in filename*", "attachment; filename*=GBK''%B2%E2%CA%D4.txt", "en", "测试.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fileNameFromResponseLegacy(tc.cd, u, "", LegacyCharset(tc.locale)); got != tc.want {
				t.Errorf("name %q, want %q", got, tc.want)
			}
		})
	}
}

// The engine takes the charset from the language setting.
func TestLegacyNameEndToEnd(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("测试报表.bin")
	f := testserver.File{Size: 1000, Seed: 1230, ContentDisposition: "attachment; filename=" + gbk}
	srv := testserver.New(testserver.WithFile("/f.bin", f))
	defer srv.Close()
	st := newMemStore()
	st.settings = &Settings{UI: map[string]string{UIKeyLanguage: "zh-Hans"}}
	m := openTest(t, st, t.TempDir(), nil)
	s := ftEnd(t, m, ftAdd(t, m, Request{URL: srv.URL("/f.bin")}))
	ftWantFile(t, s, f)
	if s.Name != "测试报表.bin" {
		t.Errorf("saved as %q", s.Name)
	}
}
