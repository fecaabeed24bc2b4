package i18n

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"haul/assets"
)

func TestLanguages(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"unset", nil, nil},
		{"C", map[string]string{"LANG": "C"}, nil},
		{"C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, nil},
		{"POSIX", map[string]string{"LC_ALL": "POSIX"}, nil},
		{"C ignores LANGUAGE", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, nil},
		{"LANG", map[string]string{"LANG": "zh_CN.UTF-8"}, []string{"zh-CN"}},
		{"LC_ALL wins", map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, []string{"en-GB"}},
		{"LC_MESSAGES over LANG", map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, []string{"zh-TW"}},
		{"modifier", map[string]string{"LANG": "de_DE.UTF-8@euro"}, []string{"de-DE"}},
		{"LANGUAGE list first", map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "zh_CN:fr"}, []string{"zh-CN", "fr", "en-US"}},
		{"garbage", map[string]string{"LANG": "!!"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Languages(func(k string) string { return tt.env[k] })
			if !slices.Equal(got, tt.want) {
				t.Errorf("Languages = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLocalize reads the real translation files: the terminal gets the
// same sentences, fields and plural forms as the window.
func TestLocalize(t *testing.T) {
	b, err := NewBundle(assets.Translations)
	if err != nil {
		t.Fatal(err)
	}
	const queued = "Queued {{.Count}} downloads; they start when Haul opens."
	tests := []struct {
		langs []string
		key   string
		n     any
		data  map[string]any
		want  string
	}{
		{nil, queued, 1, map[string]any{"Count": 1}, "Queued 1 download; it starts when Haul opens."},
		{nil, queued, 2, map[string]any{"Count": 2}, "Queued 2 downloads; they start when Haul opens."},
		{[]string{"zh-CN"}, queued, 2, map[string]any{"Count": 2}, "已排队 2 个下载，Haul 打开时开始。"},
		{[]string{"fr"}, "Already downloaded: {{.Path}}", nil, map[string]any{"Path": "/x"}, "Already downloaded: /x"},
		{[]string{"zh-CN"}, "A sentence nobody translated {{.X}}", nil, map[string]any{"X": 1}, "A sentence nobody translated 1"},
	}
	for _, tt := range tests {
		got := localize(i18n.NewLocalizer(b, tt.langs...), tt.key, tt.n, []any{tt.data})
		if got != tt.want {
			t.Errorf("%v %q = %q, want %q", tt.langs, tt.key, got, tt.want)
		}
	}
}

func TestNewBundleDamaged(t *testing.T) {
	files := fstest.MapFS{Dir + "/en.json": {Data: []byte(`{"a": `)}}
	if _, err := NewBundle(files); err == nil {
		t.Fatal("a damaged file gave no error")
	}
}
