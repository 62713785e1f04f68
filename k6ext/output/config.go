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

const usage = "--out loadctl=<path>|http://<host>:<port>[/<path>][?period=1s&instance=<id>&maxNames=<n>&tags=<k1,k2,...>]"

// OtherName is the `name` a frame gives the samples of names past maxNames, and the value of a kept tag
// (the `tags` option) past maxNames values of that tag.
const OtherName = "(other)"

type config struct {
	// path is the file the frames are appended to, unless url is set: then they are POSTed to it.
	path     string
	url      string
	period   time.Duration
	instance string
	// maxNames bounds the distinct `name` tag values kept apart (0: no bound); later names are OtherName.
	// It bounds each kept tag's distinct values the same way.
	maxNames int
	// tags are the k6 tag keys kept per series beside name, status (class) and scenario, in the order given.
	tags []string
}

// parseConfig reads `<destination>[?period=<duration>&instance=<id>&maxNames=<n>&tags=<k1,k2,...>]`, the part
// of `--out loadctl=…` after the `=`; the destination is a collector's http:// URL or else a file's path. Every
// problem is reported, not only the first.
func parseConfig(arg, defaultInstance string) (config, error) {
	dest, query, hasQuery := strings.Cut(arg, "?")
	cfg := config{period: defaultPeriod, instance: defaultInstance}
	var errs []error
	switch {
	case dest == "":
		errs = append(errs, fmt.Errorf("no file to write the frames to: use %s", usage))
	case hasPrefixFold(dest, "https://"):
		// The runners' hosts would need the collector's certificate or a CA of its own; a tunnel gets the same
		// protection with no certificate to hand out.
		errs = append(errs, fmt.Errorf("%s: https is not supported: to send frames across a network you do not "+
			"trust, tunnel them (e.g. ssh -N -L 9400:127.0.0.1:9400 <collector-host>) and use http://127.0.0.1:9400/…", dest))
	case hasPrefixFold(dest, "http://"):
		u, err := parseCollectorURL(dest)
		if err != nil {
			errs = append(errs, err)
		}
		cfg.url = u
	default:
		cfg.path = dest
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
			case "tags":
				tags, tagErrs := parseTags(v)
				errs = append(errs, tagErrs...)
				cfg.tags = tags
			case "instance":
				if v == "" {
					errs = append(errs, errors.New("instance= is empty: give the k6 process an id, or leave the option out"))
				}
				cfg.instance = v
			default:
				errs = append(errs, fmt.Errorf("unknown option %q: the options are period, instance, maxNames and tags (%s)", key, usage))
			}
		}
	}
	if len(errs) > 0 {
		return config{}, errors.Join(errs...)
	}
	return cfg, nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseCollectorURL checks `http://<host>:<port>[/<path>]`. Its own query cannot be given: `?` starts the
// output's options.
func parseCollectorURL(dest string) (string, error) {
	u, err := url.Parse(dest)
	if err != nil {
		return "", fmt.Errorf("%s is not a collector URL http://<host>:<port>[/<path>]: %w", dest, err)
	}
	var problems []string
	if u.Hostname() == "" {
		problems = append(problems, "it has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			problems = append(problems, fmt.Sprintf("port %s is not 1 … 65535", p))
		}
	}
	if u.User != nil {
		problems = append(problems, "it has a user (credentials in a URL end up in logs)")
	}
	if u.Fragment != "" || strings.Contains(dest, "#") {
		problems = append(problems, "it has a #fragment")
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("%s is not a collector URL http://<host>:<port>[/<path>]: %s", dest, strings.Join(problems, ", "))
	}
	return u.String(), nil
}

// parseTags reads `tags=<k1,k2,...>`: k6 tag keys made of letters, digits and `_`, each once. `name` and
// `scenario` are kept anyway; `status` is allowed, for the exact status beside the series' class.
func parseTags(v string) ([]string, []error) {
	var tags []string
	var errs []error
	seen := make(map[string]bool)
	for i, key := range strings.Split(v, ",") {
		switch {
		case key == "":
			errs = append(errs, fmt.Errorf("tags=%s: key %d is empty (use tags=<k1,k2,...>)", v, i+1))
		case strings.IndexFunc(key, func(r rune) bool { return !isTagKeyRune(r) }) >= 0:
			errs = append(errs, fmt.Errorf("tags=%s: key %q has characters other than A-Z, a-z, 0-9 and _", v, key))
		case key == "name" || key == "scenario":
			errs = append(errs, fmt.Errorf("tags=%s: %q is kept on every series already: leave it out", v, key))
		case seen[key]:
			errs = append(errs, fmt.Errorf("tags=%s: %q is listed twice", v, key))
		default:
			seen[key] = true
			tags = append(tags, key)
		}
	}
	return tags, errs
}

func isTagKeyRune(r rune) bool {
	return r == '_' || (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z')
}
