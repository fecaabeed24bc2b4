package gui

import (
	"fyne.io/fyne/v2/lang"

	"haul/downloader"
)

// expandLinkPatterns expands link patterns ([01-30], [a-f], [1-100:5])
// in the add dialog's links. It returns the links to add, a sentence for
// each link whose pattern is refused, and a preview of the series
// ("30 links: first … last") when any link was a pattern.
func expandLinkPatterns(links []string) (out, problems []string, preview string) {
	for _, l := range links {
		series, err := downloader.ExpandPattern(l)
		if err != nil {
			problems = append(problems, lang.L("“{{.Link}}” is not a usable pattern: a range runs upwards, with a step from 1, and makes at most {{.Max}} links.",
				map[string]any{"Link": shorten(l, 60), "Max": downloader.MaxPatternLinks}))
			continue
		}
		if len(out)+len(series) > downloader.MaxPatternLinks {
			problems = append(problems, lang.L("At most {{.Max}} links can be added at once.", map[string]any{"Max": downloader.MaxPatternLinks}))
			break
		}
		if len(series) > 1 {
			preview = lang.N("The pattern makes {{.Count}} links: {{.First}} … {{.Last}}", len(series),
				map[string]any{"Count": len(series), "First": shorten(series[0], 50), "Last": shorten(series[len(series)-1], 50)})
		}
		out = append(out, series...)
	}
	return out, problems, preview
}
