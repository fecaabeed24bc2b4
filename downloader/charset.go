package downloader

import (
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Names that are not UTF-8. Servers still send Content-Disposition
// filenames (and URL paths) as raw bytes in the charset of the system
// that made them: GBK on Chinese Windows, Shift_JIS on Japanese, and so
// on. The rule, in order:
//
//  1. bytes that are valid UTF-8 are UTF-8;
//  2. otherwise they are decoded with the legacy charset of the language:
//     Haul's language setting (Settings.UI["language"], a BCP 47 tag such
//     as "zh-Hans"), or, when that is empty, the OS locale (LC_ALL,
//     LC_CTYPE, LANG, as "zh_CN.UTF-8") — see LegacyCharset — when every
//     byte decodes;
//  3. else ISO-8859-1, HTTP's historical charset, which never fails.
//
// A charset named in an RFC 8187 filename* (GBK'…', Shift_JIS'…') is used
// as named, through the WHATWG encoding index.

// UIKeyLanguage is the Settings.UI key whose value (a BCP 47 tag, "" =
// the OS locale) picks the legacy charset for file names.
const UIKeyLanguage = "language"

// LegacyCharset is the pre-Unicode charset most files named in locale
// (a BCP 47 tag like "zh-Hans" or a POSIX locale like "ja_JP.UTF-8")
// carry: GB18030 for simplified Chinese, Big5 for traditional Chinese,
// Shift_JIS for Japanese, EUC-KR for Korean, the Windows code page of
// Cyrillic, Greek, Turkish, Hebrew, Arabic, Baltic, Central European,
// Vietnamese and Thai languages. Anything else, "" included, is
// ISO-8859-1.
func LegacyCharset(locale string) encoding.Encoding {
	l := strings.ToLower(strings.ReplaceAll(locale, "_", "-"))
	l, _, _ = strings.Cut(l, ".") // drop ".UTF-8"
	l, _, _ = strings.Cut(l, "@")
	lang, region, _ := strings.Cut(l, "-")
	switch lang {
	case "zh":
		switch region {
		case "hant", "tw", "hk", "mo":
			return traditionalchinese.Big5
		}
		return simplifiedchinese.GB18030
	case "ja":
		return japanese.ShiftJIS
	case "ko":
		return korean.EUCKR
	case "ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn":
		return charmap.Windows1251
	case "el":
		return charmap.Windows1253
	case "tr", "az":
		return charmap.Windows1254
	case "he", "yi":
		return charmap.Windows1255
	case "ar", "fa", "ur":
		return charmap.Windows1256
	case "lt", "lv", "et":
		return charmap.Windows1257
	case "vi":
		return charmap.Windows1258
	case "th":
		return charmap.Windows874
	case "pl", "cs", "sk", "hu", "hr", "sl", "ro", "bs", "sq":
		return charmap.Windows1250
	}
	return charmap.ISO8859_1
}

// systemLocale is the OS locale from the environment, as POSIX reads it.
func systemLocale() string {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := os.Getenv(k); v != "" && v != "C" && v != "POSIX" {
			return v
		}
	}
	return ""
}

// nameText turns raw name bytes into text by the rule above.
func nameText(raw string, legacy encoding.Encoding) string {
	if utf8.ValidString(raw) {
		return raw
	}
	if s, ok := decodeLegacy(raw, legacy); ok {
		return s
	}
	return latin1ToUTF8(raw)
}

// decodeStrict decodes raw with enc and reports whether every byte was
// valid there (x/text decoders put U+FFFD where they are not).
func decodeStrict(raw string, enc encoding.Encoding) (string, bool) {
	s, err := enc.NewDecoder().String(raw)
	if err != nil || strings.ContainsRune(s, utf8.RuneError) {
		return "", false
	}
	return s, true
}

// namedCharset decodes raw in the charset an RFC 8187 value names.
func namedCharset(raw, charset string) (string, bool) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return "", false
	}
	return decodeStrict(raw, enc)
}

// decodeLegacy decodes raw with legacy when that is a real legacy
// charset (not nil, not ISO-8859-1, which accepts anything) and every
// byte fits it.
func decodeLegacy(raw string, legacy encoding.Encoding) (string, bool) {
	if legacy == nil || legacy == charmap.ISO8859_1 {
		return "", false
	}
	return decodeStrict(raw, legacy)
}

// legacyCharset is the charset for names that are not UTF-8: the
// language setting's, else the OS locale's.
func (m *Manager) legacyCharset() encoding.Encoding {
	if l := m.settingsSnapshot().UI[UIKeyLanguage]; l != "" {
		return LegacyCharset(l)
	}
	return LegacyCharset(systemLocale())
}
