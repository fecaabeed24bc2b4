package cli

import "haul/downloader"

// expandLinks expands link patterns ([01-30], [a-f], [1-100:5]) in each
// link into its numbered series, keeping the order; at most
// downloader.MaxPatternLinks links in all.
func expandLinks(links []string) ([]string, error) {
	var out []string
	for _, l := range links {
		series, err := downloader.ExpandPattern(l)
		if err != nil {
			return nil, err
		}
		out = append(out, series...)
		if len(out) > downloader.MaxPatternLinks {
			return nil, downloader.ErrTooManyPatternLinks
		}
	}
	return out, nil
}
