package output

import (
	"math"

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
}

// agg is one series in one period.
type agg struct {
	count    int64
	sum      float64
	min, max float64
	last     float64
	lastTime int64 // ns, for a gauge's last value by sample time
	hdr      *hdrhistogram.Histogram
}

func (a *agg) add(typ metrics.MetricType, v float64, t int64) {
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
		_ = a.hdr.RecordValue(hdrValue(v))
	}
}

func (a *agg) minMax(v float64) {
	if v < a.min {
		a.min = v
	}
	if v > a.max {
		a.max = v
	}
}

func (a *agg) reset() {
	hdr := a.hdr
	*a = agg{hdr: hdr}
	if hdr != nil {
		hdr.Reset()
	}
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
