package cli

import (
	"fmt"

	"haul/downloader"
)

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

// expandRequests is expandLinks for requests read from a list: each
// request of a pattern becomes one per link with the same options. A
// series cannot share one file name, so a pattern with a name is refused.
func expandRequests(reqs []downloader.Request) ([]downloader.Request, error) {
	var out []downloader.Request
	for _, r := range reqs {
		series, err := downloader.ExpandPattern(r.URL)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", downloader.RedactURL(r.URL), err)
		}
		if len(series) > 1 && r.Name != "" {
			return nil, fmt.Errorf("%s: %s", downloader.RedactURL(r.URL), tr("A numbered series cannot share one file name (out=)."))
		}
		for _, link := range series {
			c := r
			c.URL = link
			if r.Headers != nil {
				c.Headers = r.Headers.Clone() // tasks must not share a mutable map
			}
			out = append(out, c)
		}
		if len(out) > downloader.MaxPatternLinks {
			return nil, downloader.ErrTooManyPatternLinks
		}
	}
	return out, nil
}
