package output

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	defaultPeriod = time.Second
	minPeriod     = 100 * time.Millisecond
	maxPeriod     = time.Minute
)

const usage = "--out loadctl=<path>[?period=1s&instance=<id>&maxNames=<n>]"

// OtherName is the `name` a frame gives the samples of names past maxNames.
const OtherName = "(other)"

type config struct {
	path     string
	period   time.Duration
	instance string
	// maxNames bounds the distinct `name` tag values kept apart (0: no bound); later names are OtherName.
	maxNames int
}

// parseConfig reads `<path>[?period=<duration>&instance=<id>]`, the part of `--out loadctl=…` after the `=`.
// Every problem is reported, not only the first.
func parseConfig(arg, defaultInstance string) (config, error) {
	path, query, hasQuery := strings.Cut(arg, "?")
	cfg := config{path: path, period: defaultPeriod, instance: defaultInstance}
	var errs []error
	if path == "" {
		errs = append(errs, fmt.Errorf("no file to write the frames to: use %s", usage))
	}
	if hasQuery {
		values, err := url.ParseQuery(query)
		if err != nil {
			errs = append(errs, fmt.Errorf("options %q: %w (use %s)", query, err, usage))
		}
		for key, vs := range values {
			// The last value wins, as with k6's own outputs' repeated options.
			v := vs[len(vs)-1]
			switch key {
			case "period":
				d, err := time.ParseDuration(v)
				switch {
				case err != nil:
					errs = append(errs, fmt.Errorf("period=%s is not a Go duration such as 1s or 500ms", v))
				case d < minPeriod || d > maxPeriod:
					errs = append(errs, fmt.Errorf("period=%s is out of range: it must be %s … %s", v, minPeriod, maxPeriod))
				case d%time.Millisecond != 0:
					// Frames carry the period in whole milliseconds (periodMs).
					errs = append(errs, fmt.Errorf("period=%s is not a whole number of milliseconds", v))
				default:
					cfg.period = d
				}
			case "maxNames":
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					errs = append(errs, fmt.Errorf("maxNames=%s is not a whole number ≥ 0 (0: no bound)", v))
				} else {
					cfg.maxNames = n
				}
			case "instance":
				if v == "" {
					errs = append(errs, errors.New("instance= is empty: give the k6 process an id, or leave the option out"))
				}
				cfg.instance = v
			default:
				errs = append(errs, fmt.Errorf("unknown option %q: the options are period, instance and maxNames (%s)", key, usage))
			}
		}
	}
	if len(errs) > 0 {
		return config{}, errors.Join(errs...)
	}
	return cfg, nil
}
