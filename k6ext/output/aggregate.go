package output

import (
	"encoding/binary"
	"math"
	"strings"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"go.k6.io/k6/metrics"
)

// HDR settings of docs/stream.md: integer nanoseconds, 1 ns … 1 h, 3 significant digits (exact below
// 2,048 ns; whole microseconds would be 0.5 % off at 200 µs, a loopback request).
const (
	hdrLowest  = 1
	hdrHighest = 3_600_000_000_000
	hdrDigits  = 3
)

// seriesKey is what a frame's series is keyed by; every other tag is dropped.
type seriesKey struct {
	metric   *metrics.Metric
	name     string
	status   string
	scenario string
	// tags holds the values of the tags kept by the `tags=` option, in its order, encoded by appendTag so the
	// key stays comparable and a tag that is absent differs from one that is "". Empty without the option.
	tags string
}

// appendTag adds one kept tag's value to a seriesKey's tags: "\x00" when the tag is absent; "\x01", the
// value's length as a uvarint and the value when present. The length makes the encoding unambiguous whatever
// bytes a value holds.
func appendTag(b []byte, v string, present bool) []byte {
	if !present {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// nextTag reads the first value appendTag wrote to tags and returns the rest.
func nextTag(tags string) (v string, present bool, rest string) {
	if tags == "" {
		return "", false, ""
	}
	if tags[0] == 0 {
		return "", false, tags[1:]
	}
	// The uvarint of binary.AppendUvarint: 7 bits a byte, low bits first, the high bit set on all but the last.
	var n uint64
	i := 1
	for shift := 0; ; shift += 7 {
		c := tags[i]
		i++
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	return tags[i : i+int(n)], true, tags[i+int(n):]
}

// compareTags orders two seriesKey tags of the same configuration tag by tag: absent before present, then
// by value.
func compareTags(a, b string) int {
	for a != "" || b != "" {
		va, pa, ra := nextTag(a)
		vb, pb, rb := nextTag(b)
		switch {
		case pa != pb && !pa:
			return -1
		case pa != pb:
			return 1
		}
		if c := strings.Compare(va, vb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return 0
}

// rawLimit is how many values a trend series keeps as they are in one period before it takes a histogram.
// A histogram of 1 ns … 1 h at 3 digits is 33,792 counters (270 KB), so one per series and period would make
// memory grow with the number of series; most series in a period have few values, kept in at most 16 KB.
const rawLimit = 2048

// valuesLimit is how many values a trend series may have for a frame to carry them as they are ("values",
// integer nanoseconds) instead of an encoded histogram. Encoding reads all 33,792 counters of a histogram and
// deflates them: for a plan of thousands of endpoints with a request or two each per period that was 80 s of
// CPU for a 2 s run; a short list is a few bytes and no work.
const valuesLimit = 256

// agg is one series in one period.
type agg struct {
	count    int64
	sum      float64
	min, max float64
	last     float64
	lastTime int64   // ns, for a gauge's last value by sample time
	raw      []int64 // a trend's values in ns, until there are more than rawLimit
	hdr      *hdrhistogram.Histogram
}

// histPool holds reset histograms; guarded by the Output's lock, like every agg.add.
type histPool struct{ free []*hdrhistogram.Histogram }

func (p *histPool) get() *hdrhistogram.Histogram {
	if n := len(p.free); n > 0 {
		h := p.free[n-1]
		p.free = p.free[:n-1]
		return h
	}
	return newHistogram()
}

func (a *agg) add(typ metrics.MetricType, v float64, t int64, pool *histPool) {
	if a.count == 0 {
		a.min, a.max = v, v
		a.last, a.lastTime = v, t
	}
	a.count++
	switch typ {
	case metrics.Counter:
		a.sum += v
	case metrics.Rate:
		if v != 0 {
			a.sum++
		}
	case metrics.Gauge:
		a.sum += v
		a.minMax(v)
		if t >= a.lastTime {
			a.last, a.lastTime = v, t
		}
	case metrics.Trend:
		a.sum += v
		a.minMax(v)
		// Clamped into range, so RecordValue cannot fail; min, max and sum keep the exact values.
		ns := hdrValue(v)
		switch {
		case a.hdr != nil:
			_ = a.hdr.RecordValue(ns)
		case len(a.raw) < rawLimit:
			a.raw = append(a.raw, ns)
		default:
			a.hdr = pool.get()
			for _, x := range a.raw {
				_ = a.hdr.RecordValue(x)
			}
			a.raw = a.raw[:0]
			_ = a.hdr.RecordValue(ns)
		}
	}
}

// encode writes the trend's histogram, building it in scratch (all zero, and left so) when the values are raw.
func (a *agg) encode(scratch *hdrhistogram.Histogram) ([]byte, error) {
	if a.hdr != nil {
		return a.hdr.Encode(hdrhistogramV2Compressed)
	}
	for _, x := range a.raw {
		_ = scratch.RecordValue(x)
	}
	b, err := scratch.Encode(hdrhistogramV2Compressed)
	// Taking the values out again is cheaper than Reset, which clears all 33,792 counters.
	for _, x := range a.raw {
		_ = scratch.RecordValues(x, -1)
	}
	return b, err
}

func (a *agg) minMax(v float64) {
	if v < a.min {
		a.min = v
	}
	if v > a.max {
		a.max = v
	}
}

// reset empties the agg for reuse and returns its histogram, reset, if it had one.
func (a *agg) reset() *hdrhistogram.Histogram {
	hdr := a.hdr
	*a = agg{raw: a.raw[:0]}
	if hdr != nil {
		hdr.Reset()
	}
	return hdr
}

// hdrValue is k6's milliseconds as integer nanoseconds, clamped into the histogram's range: below 1 (zero,
// negative values of custom trends) is 1.
func hdrValue(ms float64) int64 {
	ns := math.Round(ms * 1e6)
	switch {
	case !(ns >= hdrLowest): // also NaN
		return hdrLowest
	case ns > hdrHighest:
		return hdrHighest
	default:
		return int64(ns)
	}
}

func newHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(hdrLowest, hdrHighest, hdrDigits)
}

// statusClass maps k6's `status` tag to the class a frame carries: "1xx" … "5xx", "none" for 0 (no response),
// "" without the tag. Anything else (a gRPC code, a malformed value) is "other", so the set of values stays
// small whatever the server sends. The results are constants: no allocation on the hot path.
func statusClass(status string, ok bool) string {
	if !ok {
		return ""
	}
	if status == "0" {
		return "none"
	}
	if len(status) == 3 && status[1] >= '0' && status[1] <= '9' && status[2] >= '0' && status[2] <= '9' {
		switch status[0] {
		case '1':
			return "1xx"
		case '2':
			return "2xx"
		case '3':
			return "3xx"
		case '4':
			return "4xx"
		case '5':
			return "5xx"
		}
	}
	return "other"
}

func typeName(t metrics.MetricType) string {
	switch t {
	case metrics.Counter:
		return "counter"
	case metrics.Gauge:
		return "gauge"
	case metrics.Trend:
		return "trend"
	case metrics.Rate:
		return "rate"
	}
	return "unknown"
}

const hdrhistogramV2Compressed = hdrhistogram.V2CompressedEncodingCookieBase
