package gui_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"haul/downloader"
	"haul/gui"
	"haul/internal/fakeengine"
)

// Translations load once per process, so each language is checked in a
// child process running TestLanguageChild.
func TestLanguageSetting(t *testing.T) {
	cases := []struct{ setting, systemLang, wantAdd, wantFailed string }{
		{gui.LanguageChinese, "en_US.UTF-8", "添加", "服务器说文件不存在"},
		{gui.LanguageEnglish, "zh_CN.UTF-8", "Add", "(404 Not Found)"},
		{gui.LanguageSystem, "zh_CN.UTF-8", "添加", "服务器说文件不存在"},
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLanguageChild$", "-test.v")
		cmd.Env = append(os.Environ(), "HAUL_CHILD_LANG="+c.setting, "HAUL_CHILD_WANT="+c.wantAdd, "HAUL_CHILD_FAILED="+c.wantFailed, "LANG="+c.systemLang)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "PASS: TestLanguageChild") {
			t.Errorf("setting %q on a %s system: %v\n%s", c.setting, c.systemLang, err, out)
		}
	}
}

func TestLanguageChild(t *testing.T) {
	want, ok := os.LookupEnv("HAUL_CHILD_WANT")
	if !ok {
		t.Skip("run by TestLanguageSetting")
	}
	s := downloader.DefaultSettings("/tmp")
	s.UI = map[string]string{gui.UIKeyLanguage: os.Getenv("HAUL_CHILD_LANG")}
	u := gui.NewManual(test.NewTempApp(t), fakeengine.New(s), gui.Options{})
	defer u.Close()
	if got := u.Toolbar().Add.Text; got != want {
		t.Errorf("Add button reads %q, want %q", got, want)
	}
	// The engine's English sentence in English, its kind translated
	// otherwise.
	failed := downloader.Snapshot{State: downloader.StateFailed, ErrorKind: downloader.KindNotFound,
		Error: "The server says the file does not exist (404 Not Found). Check the link."}
	if got := gui.StatusOf(failed); !strings.Contains(got, os.Getenv("HAUL_CHILD_FAILED")) {
		t.Errorf("failed task reads %q, want it to contain %q", got, os.Getenv("HAUL_CHILD_FAILED"))
	}
}
