package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/sirupsen/logrus"
	"go.k6.io/k6/lib/fsext"
	"go.k6.io/k6/metrics"
	k6output "go.k6.io/k6/output"
)

// 2025-12-03T06:00:00Z, a whole second and a whole minute.
var t0 = time.UnixMilli(1764741600000)

func at(ms int64) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// fixture is an Output writing to a recorder, with a clock the test moves, and k6 metrics to make samples of.
type fixture struct {
	t        *testing.T
	o        *Output
	rec      *recorder
	reg      *metrics.Registry
	now      time.Time
	duration *metrics.Metric
	reqs     *metrics.Metric
	failed   *metrics.Metric
	vus      *metrics.Metric
}

// recorder keeps every Write apart, to check that each is exactly one whole line.
type recorder struct {
	mu     sync.Mutex
	writes [][]byte
	closed bool
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, bytes.Clone(p))
	return len(p), nil
}

func (r *recorder) Close() error { r.closed = true; return nil }

func newFixture(t *testing.T, period time.Duration) *fixture {
	t.Helper()
	return newFixtureWith(t, config{path: "frames.ndjson", period: period, instance: "test-1"})
}

// newFixtureWith is newFixture with the options of `--out loadctl=frames.ndjson?<options>`.
func newFixtureWith(t *testing.T, cfg config) *fixture {
	t.Helper()
	reg := metrics.NewRegistry()
	f := &fixture{
		t: t, rec: &recorder{}, reg: reg, now: t0,
		duration: reg.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time),
		reqs:     reg.MustNewMetric("http_reqs", metrics.Counter),
		failed:   reg.MustNewMetric("http_req_failed", metrics.Rate),
		vus:      reg.MustNewMetric("vus", metrics.Gauge),
	}
	logger := logrus.New()
	logger.SetOutput(io.Discard)
	f.o = newOutput(cfg, fsext.NewMemMapFs(), logger,
		func() time.Time { return f.now })
	// Only the test flushes, at the times it sets.
	f.o.tick = time.Hour
	if cfg.url == "" {
		f.o.open = func() (io.WriteCloser, error) { return f.rec, nil }
	}
	return f
}

// start opens the output without its ticker mattering: the test calls flushDue itself.
func (f *fixture) start() {
	f.t.Helper()
	if err := f.o.Start(); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) tags(kv ...string) *metrics.TagSet {
	ts := f.reg.RootTagSet()
	for i := 0; i+1 < len(kv); i += 2 {
		ts = ts.With(kv[i], kv[i+1])
	}
	return ts
}

func sample(m *metrics.Metric, tags *metrics.TagSet, t time.Time, v float64) metrics.Sample {
	return metrics.Sample{TimeSeries: metrics.TimeSeries{Metric: m, Tags: tags}, Time: t, Value: v}
}

func (f *fixture) add(samples ...metrics.Sample) {
	f.o.AddMetricSamples([]metrics.SampleContainer{metrics.Samples(samples)})
}

func (f *fixture) frames() []frameJSON {
	f.t.Helper()
	var out []frameJSON
	for i, w := range f.rec.writes {
		if bytes.Count(w, []byte("\n")) != 1 || w[len(w)-1] != '\n' {
			f.t.Fatalf("write %d is not one whole line: %q", i, w)
		}
		var fr frameJSON
		if err := json.Unmarshal(w, &fr); err != nil {
			f.t.Fatalf("write %d: %v", i, err)
		}
		out = append(out, fr)
	}
	return out
}

func find(t *testing.T, fr frameJSON, metric, name, status string) seriesJSON {
	t.Helper()
	for _, s := range fr.Series {
		if s.Metric == metric && s.Name == name && s.Status == status {
			return s
		}
	}
	t.Fatalf("frame seq %d start %d has no %s{name:%q,status:%q}: %+v", fr.Seq, fr.Start, metric, name, status, fr.Series)
	return seriesJSON{}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	got, err := parseConfig("/tmp/f.ndjson", "host-1")
	if err != nil || !reflect.DeepEqual(got, config{path: "/tmp/f.ndjson", period: time.Second, instance: "host-1"}) {
		t.Fatalf("defaults: %+v %v", got, err)
	}
	got, err = parseConfig("/tmp/f.ndjson?period=250ms&instance=runner-2", "host-1")
	if err != nil || !reflect.DeepEqual(got, config{path: "/tmp/f.ndjson", period: 250 * time.Millisecond, instance: "runner-2"}) {
		t.Fatalf("options: %+v %v", got, err)
	}
	for _, tc := range []struct{ arg, want string }{
		{"", "no file to write the frames to"},
		{"?period=1s", "no file to write the frames to"},
		{"f?period=soon", "period=soon is not a Go duration"},
		{"f?period=50ms", "period=50ms is out of range: it must be 100ms … 1m0s"},
		{"f?period=2m", "period=2m is out of range"},
		{"f?period=1500500us", "not a whole number of milliseconds"},
		{"f?instance=", "instance= is empty"},
		{"f?colour=red", `unknown option "colour"`},
	} {
		_, err := parseConfig(tc.arg, "h")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) = %v, want an error with %q", tc.arg, err, tc.want)
		}
	}
	// Every problem at once.
	_, err = parseConfig("?period=x&colour=red", "h")
	if err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("want three problems, got %v", err)
	}
}

func TestNewNamesTheOptionInItsError(t *testing.T) {
	t.Parallel()
	_, err := New(k6output.Params{ConfigArgument: "f?period=1h", FS: fsext.NewMemMapFs()})
	if err == nil || !strings.HasPrefix(err.Error(), "--out loadctl=f?period=1h: period=1h is out of range") {
		t.Fatalf("got %v", err)
	}
}

func TestStatusClass(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status string
		ok     bool
		want   string
	}{
		{"", false, ""}, {"0", true, "none"}, {"101", true, "1xx"}, {"200", true, "2xx"}, {"204", true, "2xx"},
		{"302", true, "3xx"}, {"404", true, "4xx"}, {"503", true, "5xx"}, {"600", true, "other"},
		{"20", true, "other"}, {"2x0", true, "other"}, {"", true, "other"},
	} {
		if got := statusClass(tc.status, tc.ok); got != tc.want {
			t.Errorf("statusClass(%q, %v) = %q, want %q", tc.status, tc.ok, got, tc.want)
		}
	}
}

func TestSamplesGoToThePeriodOfTheirOwnTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Second)
	f.start()
	a := f.tags("name", "a", "status", "200", "scenario", "s", "method", "GET", "url", "http://x/1")
	// Arriving together, from three periods: 0 s, 1 s (its very first instant) and 2.999 s.
	f.add(sample(f.reqs, a, at(0), 1), sample(f.reqs, a, at(999), 1), sample(f.reqs, a, at(1000), 1),
		sample(f.reqs, a, at(2999), 1))
	// [0 s, 1 s) is more than one period old from 2 s on, not before.
	f.now = at(1999)
	f.o.flushDue(f.now)
	if n := len(f.rec.writes); n != 0 {
		t.Fatalf("wrote %d frames before any period was due", n)
	}
	f.now = at(2999)
	f.o.flushDue(f.now)
	fr := f.frames()
	if len(fr) != 1 || fr[0].Start != t0.UnixMilli() || fr[0].Seq != 0 || fr[0].Final {
		t.Fatalf("after 2.999 s: %+v", fr)
	}
	if s := find(t, fr[0], "http_reqs", "a", "2xx"); s.Count != 2 || s.Sum != 2 || s.Scenario != "s" {
		t.Fatalf("period 0: %+v", s)
	}
	f.now = at(3000)
	f.o.flushDue(f.now)
	fr = f.frames()
	if len(fr) != 2 || fr[1].Start != at(1000).UnixMilli() || fr[1].Seq != 1 || fr[1].PeriodMs != 1000 {
		t.Fatalf("after 3 s: %+v", fr)
	}
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr = f.frames()
	if len(fr) != 3 || !fr[2].Final || fr[2].Start != at(2000).UnixMilli() || find(t, fr[2], "http_reqs", "a", "2xx").Count != 1 {
		t.Fatalf("after Stop: %+v", fr)
	}
	if !f.rec.closed {
		t.Fatal("Stop did not close the file")
	}
}

func TestPeriodsAreAlignedToTheEpoch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 250*time.Millisecond)
	f.start()
	f.add(sample(f.reqs, f.tags(), at(1234), 1))
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr := f.frames()
	if len(fr) != 1 || fr[0].Start != at(1000).UnixMilli() || fr[0].PeriodMs != 250 {
		t.Fatalf("%+v", fr)
	}
	if s := fr[0].Series[0]; s.Name != "" || s.Status != "" || s.Scenario != "" {
		t.Fatalf("a sample without tags: %+v", s)
	}
}

func TestALateSampleGoesIntoAFrameOfItsOwnPeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Second)
	f.start()
	a := f.tags("name", "a", "status", "200")
	f.add(sample(f.reqs, a, at(100), 1), sample(f.reqs, a, at(1100), 1))
	f.now = at(2000)
	f.o.flushDue(f.now)                  // writes period 0
	f.add(sample(f.reqs, a, at(200), 5)) // late: period 0 again
	f.now = at(2250)
	f.o.flushDue(f.now)
	fr := f.frames()
	if len(fr) != 2 || fr[1].Start != t0.UnixMilli() || fr[1].Seq != 1 {
		t.Fatalf("%+v", fr)
	}
	if s := find(t, fr[1], "http_reqs", "a", "2xx"); s.Count != 1 || s.Sum != 5 {
		t.Fatalf("late frame: %+v", s)
	}
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr = f.frames()
	if len(fr) != 3 || fr[2].Start != at(1000).UnixMilli() || !fr[2].Final {
		t.Fatalf("%+v", fr)
	}
	// A reader adds up repeated periods: 1 + 5 in period 0.
	var sum0 float64
	for _, x := range fr {
		if x.Start == t0.UnixMilli() {
			sum0 += find(t, x, "http_reqs", "a", "2xx").Sum
		}
	}
	if sum0 != 6 {
		t.Fatalf("period 0 adds up to %v", sum0)
	}
}

func TestAggregationByMetricType(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Second)
	f.start()
	ok := f.tags("name", "reserve", "status", "204", "scenario", "rush")
	bad := f.tags("name", "reserve", "status", "0", "scenario", "rush", "error", "dial")
	// Tags other than name, status and scenario are dropped: these two series are one.
	ok2 := ok.With("method", "POST").With("url", "http://x/reserve?id=2")
	f.add(
		sample(f.duration, ok, at(10), 3.1), sample(f.duration, ok2, at(20), 48.2), sample(f.duration, ok, at(30), 10),
		sample(f.duration, bad, at(40), 0.0004),
		sample(f.reqs, ok, at(10), 1), sample(f.reqs, ok2, at(20), 1), sample(f.reqs, bad, at(40), 1),
		sample(f.failed, ok, at(10), 0), sample(f.failed, ok2, at(20), 0), sample(f.failed, bad, at(40), 1),
		// Gauge: last is by sample time, not arrival.
		sample(f.vus, f.tags(), at(500), 10), sample(f.vus, f.tags(), at(900), 7), sample(f.vus, f.tags(), at(100), 12),
	)
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr := f.frames()
	if len(fr) != 1 || !fr[0].Final {
		t.Fatalf("%+v", fr)
	}
	d := find(t, fr[0], "http_req_duration", "reserve", "2xx")
	// A few values travel as they are, in integer nanoseconds (valuesLimit), not as a histogram.
	if d.Type != "trend" || d.Count != 3 || math.Abs(d.Sum-61.3) > 1e-9 || *d.Min != 3.1 || *d.Max != 48.2 || d.Last != nil || d.HDR != "" {
		t.Errorf("trend: %+v", d)
	}
	if got := slices.Sorted(slices.Values(d.Values)); !slices.Equal(got, []int64{3_100_000, 10_000_000, 48_200_000}) {
		t.Errorf("trend values: %v", d.Values)
	}
	// 0.0004 ms is 400 ns.
	dn := find(t, fr[0], "http_req_duration", "reserve", "none")
	if !slices.Equal(dn.Values, []int64{400}) || *dn.Min != 0.0004 {
		t.Errorf("sub-µs trend: values %v, min %v", dn.Values, *dn.Min)
	}
	if c := find(t, fr[0], "http_reqs", "reserve", "2xx"); c.Type != "counter" || c.Count != 2 || c.Sum != 2 || c.Min != nil || c.Max != nil || c.HDR != "" {
		t.Errorf("counter: %+v", c)
	}
	if r := find(t, fr[0], "http_req_failed", "reserve", "none"); r.Type != "rate" || r.Count != 1 || r.Sum != 1 || r.Min != nil {
		t.Errorf("rate none: %+v", r)
	}
	if r := find(t, fr[0], "http_req_failed", "reserve", "2xx"); r.Count != 2 || r.Sum != 0 {
		t.Errorf("rate 2xx: %+v", r)
	}
	g := find(t, fr[0], "vus", "", "")
	if g.Type != "gauge" || g.Count != 3 || g.Sum != 29 || *g.Min != 7 || *g.Max != 12 || *g.Last != 7 || g.HDR != "" {
		t.Errorf("gauge: %+v", g)
	}
	// Series are sorted by metric, name, status, scenario.
	var order []string
	for _, s := range fr[0].Series {
		order = append(order, s.Metric+"/"+s.Status)
	}
	if !sort.StringsAreSorted(order) || len(order) != 7 {
		t.Errorf("series order: %v", order)
	}
}

func decode(t *testing.T, b64 string) *hdrhistogram.Histogram {
	t.Helper()
	h, err := hdrhistogram.Decode([]byte(b64))
	if err != nil {
		t.Fatalf("decoding %q: %v", b64, err)
	}
	return h
}

func TestHDRRoundTripsAndMergesWithin0_1Percent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Second)
	f.start()
	a := f.tags("name", "a")
	// A skewed spread over two periods: 0.1 ms … ~2 s, as 20,000 values.
	var all []float64
	for i := range 20000 {
		v := 0.1 + math.Pow(float64(i%1000)/10, 3)/500 + float64(i%7)*0.0123
		all = append(all, v)
		f.add(sample(f.duration, a, at(int64(i%2)*1000+int64(i%997)), v))
	}
	f.add(sample(f.duration, a, at(500), 7_200_000)) // two hours: recorded as the top of the range
	all = append(all, 7_200_000)
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr := f.frames()
	if len(fr) != 2 {
		t.Fatalf("%d frames", len(fr))
	}
	merged := newHistogram()
	var count int64
	for _, x := range fr {
		s := find(t, x, "http_req_duration", "a", "")
		h := decode(t, s.HDR)
		if h.TotalCount() != s.Count || h.SignificantFigures() != 3 || h.HighestTrackableValue() != hdrHighest {
			t.Fatalf("frame %d: hdr count %d vs count %d, digits %d", x.Seq, h.TotalCount(), s.Count, h.SignificantFigures())
		}
		merged.Merge(h)
		count += s.Count
	}
	if count != int64(len(all)) || merged.TotalCount() != count {
		t.Fatalf("count %d, merged %d, want %d", count, merged.TotalCount(), len(all))
	}
	if merged.Max() < hdrHighest {
		t.Fatalf("an out-of-range value was not clamped to the top: max %d", merged.Max())
	}
	slices.Sort(all)
	for _, q := range []float64{50, 90, 95, 99} {
		// Nearest rank, as HdrHistogram defines it.
		exact := all[int(math.Ceil(q/100*float64(len(all))))-1]
		got := float64(merged.ValueAtQuantile(q)) / 1e6
		if math.Abs(got-exact)/exact > 0.001 {
			t.Errorf("p%v = %v, exact %v: off by more than 0.1%%", q, got, exact)
		}
	}
}

func TestFinalFrame(t *testing.T) {
	t.Parallel()
	t.Run("no samples at all: one empty final frame at the current period", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, time.Second)
		f.start()
		f.now = at(5432)
		if err := f.o.Stop(); err != nil {
			t.Fatal(err)
		}
		fr := f.frames()
		if len(fr) != 1 || !fr[0].Final || fr[0].Seq != 0 || fr[0].Start != at(5000).UnixMilli() || fr[0].Series == nil || len(fr[0].Series) != 0 {
			t.Fatalf("%+v", fr)
		}
		if !strings.Contains(string(f.rec.writes[0]), `"series":[]`) {
			t.Fatalf("series must be [], not null: %s", f.rec.writes[0])
		}
	})
	t.Run("everything written already: an empty final frame at the last period", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, time.Second)
		f.start()
		f.add(sample(f.reqs, f.tags(), at(1500), 1))
		f.now = at(9000)
		f.o.flushDue(f.now)
		if err := f.o.Stop(); err != nil {
			t.Fatal(err)
		}
		fr := f.frames()
		if len(fr) != 2 || fr[0].Final || !fr[1].Final || fr[1].Start != at(1000).UnixMilli() || len(fr[1].Series) != 0 || fr[1].Seq != 1 {
			t.Fatalf("%+v", fr)
		}
	})
	t.Run("samples after Stop are dropped", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, time.Second)
		f.start()
		if err := f.o.Stop(); err != nil {
			t.Fatal(err)
		}
		f.add(sample(f.reqs, f.tags(), at(0), 1))
		if n := len(f.frames()); n != 1 {
			t.Fatalf("%d frames", n)
		}
	})
}

// keysInOrder lists an object's keys in the order they appear in the line.
func keysInOrder(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// The keys and their order, exactly as docs/stream.md's example frame shows them.
func TestFrameJSONKeysAreThoseOfDocsStreamMd(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Second)
	f.start()
	tags := f.tags("name", "reserve", "status", "200", "scenario", "rush")
	f.add(sample(f.duration, tags, at(1), 3.1), sample(f.reqs, tags, at(1), 1), sample(f.failed, tags, at(1), 0),
		sample(f.vus, f.tags(), at(1), 10))
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	var frame struct {
		Series []json.RawMessage `json:"series"`
	}
	line := f.rec.writes[0]
	if err := json.Unmarshal(line, &frame); err != nil {
		t.Fatal(err)
	}
	// The only frame is the final one, hence runMs.
	if got, want := keysInOrder(t, line), []string{"schema", "instance", "seq", "periodMs", "start", "final", "runMs", "series"}; !slices.Equal(got, want) {
		t.Errorf("frame keys %v, want %v", got, want)
	}
	var m map[string]any
	_ = json.Unmarshal(line, &m)
	if m["schema"] != "loadctl.frames/v1" || m["instance"] != "test-1" {
		t.Errorf("schema/instance: %v %v", m["schema"], m["instance"])
	}
	want := map[string][]string{
		"trend":   {"metric", "type", "name", "status", "scenario", "count", "sum", "min", "max", "values"},
		"counter": {"metric", "type", "name", "status", "scenario", "count", "sum"},
		"rate":    {"metric", "type", "name", "status", "scenario", "count", "sum"},
		"gauge":   {"metric", "type", "name", "status", "scenario", "count", "sum", "min", "max", "last"},
	}
	seen := map[string]bool{}
	for _, raw := range frame.Series {
		var s struct{ Type string }
		_ = json.Unmarshal(raw, &s)
		seen[s.Type] = true
		if got := keysInOrder(t, raw); !slices.Equal(got, want[s.Type]) {
			t.Errorf("%s keys %v, want %v", s.Type, got, want[s.Type])
		}
	}
	if len(seen) != 4 {
		t.Errorf("types seen: %v", seen)
	}
}

func TestAddMetricSamplesDoesNotAllocateOnceSeriesAndPeriodExist(t *testing.T) {
	f := newFixture(t, time.Second)
	f.start()
	a := f.tags("name", "a", "status", "200", "scenario", "s")
	batch := []metrics.SampleContainer{metrics.Samples{
		sample(f.duration, a, at(10), 12.5), sample(f.reqs, a, at(10), 1), sample(f.failed, a, at(10), 0),
		sample(f.vus, f.tags(), at(10), 3),
	}}
	// Past rawLimit, so the trend series has taken its histogram.
	for range rawLimit + 10 {
		f.o.AddMetricSamples(batch)
	}
	if allocs := testing.AllocsPerRun(1000, func() { f.o.AddMetricSamples(batch) }); allocs != 0 {
		t.Fatalf("%v allocations per call", allocs)
	}
	_ = f.o.Stop()
}

func TestStartFailsClearlyWhenTheFileCannotBeOpened(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o, err := New(k6output.Params{ConfigArgument: filepath.Join(dir, "missing", "frames.ndjson"), FS: fsext.NewOsFs()})
	if err != nil {
		t.Fatal(err)
	}
	err = o.Start()
	if err == nil || !strings.HasPrefix(err.Error(), "--out loadctl: cannot open "+filepath.Join(dir, "missing", "frames.ndjson")+" to append frames to:") {
		t.Fatalf("got %v", err)
	}
}

// Through a real file and the real ticker: frames appear while the output runs, and Stop appends the rest.
func TestRealFileAndTicker(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "frames.ndjson")
	if err := os.WriteFile(file, []byte("{\"kept\":true}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := New(k6output.Params{ConfigArgument: file + "?period=100ms&instance=it", FS: fsext.NewOsFs()})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry()
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter)
	o.AddMetricSamples([]metrics.SampleContainer{sample(reqs, reg.RootTagSet(), time.Now(), 1)})
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(file)
		if strings.Count(string(b), "\n") >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no frame after 5 s: %q", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if lines[0] != `{"kept":true}` {
		t.Fatalf("the file was not appended to: %q", lines[0])
	}
	var last frameJSON
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || !last.Final || last.Instance != "it" {
		t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
	}
}

func TestHDRValueIsIntegerNanoseconds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ms   float64
		want int64
	}{
		{3.1, 3_100_000}, {0.0004, 400}, {0.0000004, 1}, {0.0000006, 1}, {0.0000016, 2}, {0, 1}, {-5, 1},
		{math.NaN(), 1}, {3_600_000, hdrHighest}, {7_200_000, hdrHighest},
	} {
		if got := hdrValue(tc.ms); got != tc.want {
			t.Errorf("hdrValue(%v) = %d, want %d", tc.ms, got, tc.want)
		}
	}
}

// A trend keeps its first rawLimit values as they are and takes a histogram past that; both encode the same
// histogram as recording every value would, and the scratch histogram is left empty.
func TestRawAndHistogramTrendsEncodeTheSame(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	m := reg.MustNewMetric("dur", metrics.Trend, metrics.Time)
	pool := &histPool{}
	scratch := newHistogram()
	for _, n := range []int{1, rawLimit, rawLimit + 1, 3 * rawLimit} {
		var a agg
		want := newHistogram()
		for i := range n {
			v := 0.05 + float64(i%977)*0.731
			a.add(m.Type, v, int64(i), pool)
			_ = want.RecordValue(hdrValue(v))
		}
		if (a.hdr != nil) != (n > rawLimit) {
			t.Fatalf("%d values: histogram taken %v", n, a.hdr != nil)
		}
		got, err := a.encode(scratch)
		if err != nil {
			t.Fatal(err)
		}
		wantEnc, _ := want.Encode(hdrhistogramV2Compressed)
		if string(got) != string(wantEnc) {
			t.Errorf("%d values: encoding differs from recording every value", n)
		}
		if scratch.TotalCount() != 0 || decode(t, string(got)).TotalCount() != int64(n) {
			t.Errorf("%d values: scratch left with %d, decoded %d", n, scratch.TotalCount(), decode(t, string(got)).TotalCount())
		}
		if h := a.reset(); (h != nil) != (n > rawLimit) || (h != nil && h.TotalCount() != 0) || a.count != 0 || len(a.raw) != 0 {
			t.Errorf("%d values: reset left %+v", n, a)
		}
	}
}

// The cost on k6's hot path: one call with the 13 samples k6 emits per HTTP request (8 trends, 2 counters
// for data, http_reqs, http_req_failed, and an iteration's worth spread over a few endpoints).
// `go test -bench AddMetricSamples -run '^$' ./output/`
func BenchmarkAddMetricSamples(b *testing.B) {
	benchAddMetricSamples(b, config{path: "x", period: time.Second, instance: "b"})
}

// The same with tags=status,method: the kept tags cost indexOf, once per tag set, not the hot path.
func BenchmarkAddMetricSamplesWithTags(b *testing.B) {
	benchAddMetricSamples(b, config{path: "x", period: time.Second, instance: "b", maxNames: 1000, tags: []string{"status", "method"}})
}

func benchAddMetricSamples(b *testing.B, cfg config) {
	reg := metrics.NewRegistry()
	logger := logrus.New()
	logger.SetOutput(io.Discard)
	o := newOutput(cfg, fsext.NewMemMapFs(), logger, time.Now)
	o.w = discard{}
	var trends []*metrics.Metric
	for _, n := range []string{"http_req_duration", "http_req_blocked", "http_req_connecting", "http_req_tls_handshaking",
		"http_req_sending", "http_req_waiting", "http_req_receiving", "iteration_duration"} {
		trends = append(trends, reg.MustNewMetric(n, metrics.Trend, metrics.Time))
	}
	counters := []*metrics.Metric{reg.MustNewMetric("data_sent", metrics.Counter), reg.MustNewMetric("data_received", metrics.Counter),
		reg.MustNewMetric("http_reqs", metrics.Counter)}
	rate := reg.MustNewMetric("http_req_failed", metrics.Rate)
	var batches [][]metrics.SampleContainer
	for e := range 4 {
		tags := reg.RootTagSet().With("name", fmt.Sprintf("endpoint-%d", e)).With("status", "200").With("scenario", "s").
			With("method", "GET").With("url", fmt.Sprintf("http://x/%d", e))
		var ss metrics.Samples
		for i, m := range trends {
			ss = append(ss, sample(m, tags, time.Time{}, 1.5+float64(i)))
		}
		for _, m := range counters {
			ss = append(ss, sample(m, tags, time.Time{}, 100))
		}
		ss = append(ss, sample(rate, tags, time.Time{}, 0))
		batches = append(batches, []metrics.SampleContainer{ss})
	}
	b.ReportAllocs()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		// Time moves 10 µs per request: a new period every 100,000 calls, flushed as k6 would.
		now := start.Add(time.Duration(i) * 10 * time.Microsecond)
		batch := batches[i%len(batches)]
		ss := batch[0].(metrics.Samples)
		for j := range ss {
			ss[j].Time = now
		}
		o.AddMetricSamples(batch)
		if i%25_000 == 0 {
			o.flushDue(now)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*13), "ns/sample")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) Close() error                { return nil }

// Up to valuesLimit values a trend series carries them as they are; past that, its histogram. Either way the
// reader gets the same integer nanoseconds a histogram would record.
func TestFewTrendValuesTravelAsTheyAre(t *testing.T) {
	t.Parallel()
	for _, n := range []int{valuesLimit, valuesLimit + 1} {
		f := newFixture(t, time.Second)
		f.start()
		a := f.tags("name", "a")
		want := newHistogram()
		for i := range n {
			v := 0.2 + float64(i)*0.013
			f.add(sample(f.duration, a, at(int64(i%900)), v))
			_ = want.RecordValue(hdrValue(v))
		}
		if err := f.o.Stop(); err != nil {
			t.Fatal(err)
		}
		s := find(t, f.frames()[0], "http_req_duration", "a", "")
		got := newHistogram()
		if n <= valuesLimit {
			if s.HDR != "" || len(s.Values) != n {
				t.Fatalf("%d values: hdr %q, %d values", n, s.HDR, len(s.Values))
			}
			for _, v := range s.Values {
				_ = got.RecordValue(v)
			}
		} else {
			if s.Values != nil || s.HDR == "" {
				t.Fatalf("%d values: %d values, hdr %q", n, len(s.Values), s.HDR)
			}
			got = decode(t, s.HDR)
		}
		if !got.Equals(want) {
			t.Errorf("%d values: the reader's histogram differs from recording every value", n)
		}
	}
}

// Past maxNames distinct names, samples are filed under OtherName: frames stay bounded, counts stay whole.
func TestMaxNamesFilesLaterNamesUnderOther(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig("/f?maxNames=2", "x")
	if err != nil || cfg.maxNames != 2 {
		t.Fatalf("%+v %v", cfg, err)
	}
	if _, err := parseConfig("/f?maxNames=-1", "x"); err == nil {
		t.Fatal("maxNames=-1 accepted")
	}
	f := newFixture(t, time.Second)
	f.o.cfg.maxNames = 2
	f.start()
	for _, n := range []string{"a", "b", "c", "a", "d"} {
		f.add(sample(f.reqs, f.tags("name", n), at(1), 1))
	}
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr := f.frames()[0]
	if a, b, o := find(t, fr, "http_reqs", "a", ""), find(t, fr, "http_reqs", "b", ""), find(t, fr, "http_reqs", OtherName, ""); a.Sum != 2 || b.Sum != 1 || o.Sum != 2 {
		t.Errorf("a %v b %v other %v", a.Sum, b.Sum, o.Sum)
	}
}

func TestParseConfigTags(t *testing.T) {
	t.Parallel()
	got, err := parseConfig("/f?tags=status,check,group,batch&maxNames=3", "h")
	if err != nil || !reflect.DeepEqual(got.tags, []string{"status", "check", "group", "batch"}) || got.maxNames != 3 {
		t.Fatalf("%+v %v", got, err)
	}
	// status is allowed: the exact value, beside the series' class.
	if got, err := parseConfig("/f?tags=status", "h"); err != nil || !reflect.DeepEqual(got.tags, []string{"status"}) {
		t.Fatalf("%+v %v", got, err)
	}
	if got, _ := parseConfig("/f", "h"); got.tags != nil {
		t.Fatalf("no option, tags %v", got.tags)
	}
	for _, tc := range []struct{ arg, want string }{
		{"f?tags=", "tags=: key 1 is empty"},
		{"f?tags=check,,group", "tags=check,,group: key 2 is empty"},
		{"f?tags=check,", "key 2 is empty"},
		{"f?tags=my-tag", `key "my-tag" has characters other than A-Z, a-z, 0-9 and _`},
		{"f?tags=ch%C3%A9ck", `key "chéck" has characters other than`},
		{"f?tags=check,group,check", `"check" is listed twice`},
		{"f?tags=name", `"name" is kept on every series already`},
		{"f?tags=check,scenario", `"scenario" is kept on every series already`},
		{"f?colour=red", "the options are period, instance, maxNames and tags"},
	} {
		_, err := parseConfig(tc.arg, "h")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) = %v, want an error with %q", tc.arg, err, tc.want)
		}
	}
	// Every problem at once, with those of the other options.
	_, err = parseConfig("f?tags=,a-b,name,x,x&period=x", "h")
	if err == nil || strings.Count(err.Error(), "\n") != 4 {
		t.Errorf("want five problems, got %v", err)
	}
	if !strings.Contains(usage, "tags=<k1,k2,...>") {
		t.Errorf("usage: %s", usage)
	}
}

// findTags is find for a series with exactly these kept tags (nil: no tags field).
func findTags(t *testing.T, fr frameJSON, metric, name, status string, tags map[string]string) seriesJSON {
	t.Helper()
	for _, s := range fr.Series {
		if s.Metric == metric && s.Name == name && s.Status == status && reflect.DeepEqual(s.Tags, tags) {
			return s
		}
	}
	t.Fatalf("frame seq %d has no %s{name:%q,status:%q,tags:%v}: %+v", fr.Seq, metric, name, status, tags, fr.Series)
	return seriesJSON{}
}

// With tags=status,check, series of one status class are split by exact status and by check; a kept tag the
// samples lack is left out of `tags`, one whose value is "" is not.
func TestTagsSplitSeries(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, config{path: "f", period: time.Second, instance: "test-1", tags: []string{"status", "check"}})
	f.start()
	ok200 := f.tags("name", "a", "status", "200", "method", "GET")
	ok201 := f.tags("name", "a", "status", "201", "method", "POST")
	checked := f.tags("name", "a", "status", "200", "check", "c1")
	emptyCheck := f.tags("name", "a", "status", "200", "check", "")
	none := f.tags("name", "a")
	f.add(
		sample(f.reqs, ok200, at(1), 1), sample(f.reqs, ok201, at(2), 1), sample(f.reqs, ok200, at(3), 1),
		sample(f.reqs, checked, at(4), 1), sample(f.reqs, emptyCheck, at(5), 1), sample(f.reqs, none, at(6), 1),
		sample(f.reqs, none, at(7), 1),
	)
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr := f.frames()[0]
	for _, tc := range []struct {
		status string
		tags   map[string]string
		count  int64
	}{
		{"2xx", map[string]string{"status": "200"}, 2},
		{"2xx", map[string]string{"status": "201"}, 1},
		{"2xx", map[string]string{"status": "200", "check": "c1"}, 1},
		{"2xx", map[string]string{"status": "200", "check": ""}, 1},
		{"", nil, 2},
	} {
		if s := findTags(t, fr, "http_reqs", "a", tc.status, tc.tags); s.Count != tc.count || s.Sum != float64(tc.count) {
			t.Errorf("%v: %+v", tc.tags, s)
		}
	}
	if len(fr.Series) != 5 {
		t.Errorf("%d series: %+v", len(fr.Series), fr.Series)
	}
	// Sorted after scenario by the kept tags in the option's order, an absent tag before any value.
	var order []string
	for _, s := range fr.Series {
		order = append(order, fmt.Sprintf("%s %v", s.Status, s.Tags))
	}
	want := []string{" map[]", "2xx map[status:200]", "2xx map[check: status:200]", "2xx map[check:c1 status:200]", "2xx map[status:201]"}
	if !slices.Equal(order, want) {
		t.Errorf("order %q, want %q", order, want)
	}
	// The series without kept tags has no tags field at all.
	var raw struct{ Series []map[string]json.RawMessage }
	if err := json.Unmarshal(f.rec.writes[0], &raw); err != nil {
		t.Fatal(err)
	}
	if _, has := raw.Series[0]["tags"]; has {
		t.Errorf("a series without kept tags has a tags field: %s", f.rec.writes[0])
	}
}

// Without tags=, frames are byte for byte what they were before the option existed (this is the output of
// commit 0388fce for the same input); the final frame has runMs besides.
func TestNoTagsOptionKeepsTheFramesAsTheyWere(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Second)
	f.start()
	a := f.tags("name", "reserve", "status", "201", "scenario", "rush", "check", "ok", "method", "POST")
	b := f.tags("name", "reserve", "status", "200", "scenario", "rush", "group", "::g")
	c := f.tags("name", "home", "status", "0", "error", "dial")
	f.add(
		sample(f.duration, a, at(10), 3.1), sample(f.duration, b, at(20), 48.25), sample(f.duration, c, at(30), 0.5),
		sample(f.reqs, a, at(10), 1), sample(f.reqs, b, at(20), 1), sample(f.reqs, c, at(30), 1),
		sample(f.failed, a, at(10), 0), sample(f.failed, b, at(20), 0), sample(f.failed, c, at(30), 1),
		sample(f.vus, f.tags(), at(500), 2), sample(f.vus, f.tags(), at(900), 3),
		sample(f.reqs, a, at(1200), 1), sample(f.duration, b, at(1300), 7),
	)
	f.now = at(2500)
	f.o.flushDue(f.now)
	f.now = at(3250)
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"schema":"loadctl.frames/v1","instance":"test-1","seq":0,"periodMs":1000,"start":1764741600000,"final":false,"series":[` +
			`{"metric":"http_req_duration","type":"trend","name":"home","status":"none","scenario":"","count":1,"sum":0.5,"min":0.5,"max":0.5,"values":[500000]},` +
			`{"metric":"http_req_duration","type":"trend","name":"reserve","status":"2xx","scenario":"rush","count":2,"sum":51.35,"min":3.1,"max":48.25,"values":[3100000,48250000]},` +
			`{"metric":"http_req_failed","type":"rate","name":"home","status":"none","scenario":"","count":1,"sum":1},` +
			`{"metric":"http_req_failed","type":"rate","name":"reserve","status":"2xx","scenario":"rush","count":2,"sum":0},` +
			`{"metric":"http_reqs","type":"counter","name":"home","status":"none","scenario":"","count":1,"sum":1},` +
			`{"metric":"http_reqs","type":"counter","name":"reserve","status":"2xx","scenario":"rush","count":2,"sum":2},` +
			`{"metric":"vus","type":"gauge","name":"","status":"","scenario":"","count":2,"sum":5,"min":2,"max":3,"last":3}]}` + "\n",
		// Before runMs, the same line without `"runMs":3240,` (Stop at 3250, the first sample at 10).
		`{"schema":"loadctl.frames/v1","instance":"test-1","seq":1,"periodMs":1000,"start":1764741601000,"final":true,"runMs":3240,"series":[` +
			`{"metric":"http_req_duration","type":"trend","name":"reserve","status":"2xx","scenario":"rush","count":1,"sum":7,"min":7,"max":7,"values":[7000000]},` +
			`{"metric":"http_reqs","type":"counter","name":"reserve","status":"2xx","scenario":"rush","count":1,"sum":1}]}` + "\n",
	}
	if len(f.rec.writes) != len(want) {
		t.Fatalf("%d frames", len(f.rec.writes))
	}
	for i, w := range f.rec.writes {
		if string(w) != want[i] {
			t.Errorf("frame %d:\n got %s\nwant %s", i, w, want[i])
		}
	}
}

// maxNames bounds each kept tag's values as it bounds names, with a set of its own per tag.
func TestMaxNamesBoundsEachKeptTag(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, config{path: "f", period: time.Second, instance: "test-1", maxNames: 1, tags: []string{"check"}})
	f.start()
	for i, c := range []string{"c1", "c2", "c1", "c3", "c2"} {
		f.add(sample(f.reqs, f.tags("name", "a", "check", c), at(int64(i)), float64(i+1)))
	}
	f.add(sample(f.reqs, f.tags("name", "a"), at(9), 10)) // no check: not bounded, not counted
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr := f.frames()[0]
	if s := findTags(t, fr, "http_reqs", "a", "", map[string]string{"check": "c1"}); s.Count != 2 || s.Sum != 1+3 {
		t.Errorf("c1: %+v", s)
	}
	if s := findTags(t, fr, "http_reqs", "a", "", map[string]string{"check": OtherName}); s.Count != 3 || s.Sum != 2+4+5 {
		t.Errorf("(other): %+v", s)
	}
	if s := findTags(t, fr, "http_reqs", "a", "", nil); s.Count != 1 || s.Sum != 10 {
		t.Errorf("no check: %+v", s)
	}
	if len(fr.Series) != 3 {
		t.Errorf("%d series: %+v", len(fr.Series), fr.Series)
	}
}

// runMs, whole milliseconds from the first sample (or Start, without any) to Stop, is on the final frame only.
func TestRunMsIsOnTheFinalFrameOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Second)
	f.now = at(250)
	f.start()
	a := f.tags("name", "a")
	f.add(sample(f.reqs, a, at(300), 1), sample(f.reqs, a, at(1300), 1), sample(f.reqs, a, at(2300), 1))
	f.now = at(3100)
	f.o.flushDue(f.now)
	f.now = at(4321).Add(999 * time.Microsecond)
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	fr := f.frames()
	if len(fr) != 3 {
		t.Fatalf("%d frames", len(fr))
	}
	for i, x := range fr[:2] {
		if x.Final || x.RunMs != nil || bytes.Contains(f.rec.writes[i], []byte("runMs")) {
			t.Errorf("frame %d: %s", i, f.rec.writes[i])
		}
	}
	if last := fr[2]; !last.Final || last.RunMs == nil || *last.RunMs != 4321-300 {
		t.Errorf("final frame: %s", f.rec.writes[2])
	}
	// 0 is a run time like any other, and an empty final frame carries it too.
	f = newFixture(t, time.Second)
	f.start()
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(f.rec.writes[0], []byte(`"final":true,"runMs":0,"series":[]`)) {
		t.Errorf("empty final frame: %s", f.rec.writes[0])
	}
}

func TestAddMetricSamplesWithTagsDoesNotAllocateOnceSeriesAndPeriodExist(t *testing.T) {
	f := newFixtureWith(t, config{path: "f", period: time.Second, instance: "test-1", maxNames: 10, tags: []string{"status", "check"}})
	f.start()
	a := f.tags("name", "a", "status", "200", "scenario", "s", "check", "c")
	batch := []metrics.SampleContainer{metrics.Samples{
		sample(f.duration, a, at(10), 12.5), sample(f.reqs, a, at(10), 1), sample(f.failed, a, at(10), 0),
		sample(f.vus, f.tags(), at(10), 3),
	}}
	for range rawLimit + 10 {
		f.o.AddMetricSamples(batch)
	}
	if allocs := testing.AllocsPerRun(1000, func() { f.o.AddMetricSamples(batch) }); allocs != 0 {
		t.Fatalf("%v allocations per call", allocs)
	}
	_ = f.o.Stop()
}

func TestTagEncodingRoundTrips(t *testing.T) {
	t.Parallel()
	type tv struct {
		v  string
		ok bool
	}
	long := strings.Repeat("x", 300) // a length of two uvarint bytes
	for _, vals := range [][]tv{
		{}, {{"", false}}, {{"", true}}, {{"a\x00\x01b", true}, {"", false}, {long, true}, {"", true}},
	} {
		var b []byte
		for _, x := range vals {
			b = appendTag(b, x.v, x.ok)
		}
		rest := string(b)
		for i, x := range vals {
			var v string
			var ok bool
			v, ok, rest = nextTag(rest)
			if v != x.v || ok != x.ok {
				t.Errorf("%v: value %d is %q %v", vals, i, v, ok)
			}
		}
		if rest != "" {
			t.Errorf("%v: left %q", vals, rest)
		}
	}
	// Absent and "" differ, and sort absent first.
	absent, empty := string(appendTag(nil, "", false)), string(appendTag(nil, "", true))
	if absent == empty || compareTags(absent, empty) != -1 || compareTags(empty, absent) != 1 || compareTags(empty, empty) != 0 {
		t.Errorf("absent %q, empty %q", absent, empty)
	}
}

// collector is a loadctl collector on 127.0.0.1 that keeps every request it gets. Request i gets answers[i]
// when there is one, else 200 with no body.
type collector struct {
	t       *testing.T
	url     string
	mu      sync.Mutex
	reqs    []pushed
	answers []func(w http.ResponseWriter)
}

type pushed struct {
	header   http.Header
	body     []byte
	accepted bool
}

func newCollector(t *testing.T, answers ...func(w http.ResponseWriter)) *collector {
	t.Helper()
	c := &collector{t: t, answers: answers}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	c.url = srv.URL + "/frames"
	return c
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || r.Method != http.MethodPost || r.URL.Path != "/frames" {
		c.t.Errorf("%s %s: %v", r.Method, r.URL, err)
	}
	c.mu.Lock()
	i := len(c.reqs)
	c.reqs = append(c.reqs, pushed{header: r.Header.Clone(), body: body})
	c.mu.Unlock()
	rec := httptest.NewRecorder()
	if i < len(c.answers) {
		if c.answers[i] == nil {
			// The connection drops without an answer.
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		c.answers[i](rec)
	}
	c.mu.Lock()
	c.reqs[i].accepted = rec.Code/100 == 2
	c.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func status(code int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

func (c *collector) requests() []pushed {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.reqs)
}

// frames are the frames of the accepted requests, in the order they came.
func (c *collector) frames() []frameJSON {
	c.t.Helper()
	var out []frameJSON
	for i, r := range c.requests() {
		if !r.accepted {
			continue
		}
		if len(r.body) == 0 || r.body[len(r.body)-1] != '\n' {
			c.t.Fatalf("request %d: the body does not end in a whole line: %q", i, r.body)
		}
		for _, line := range bytes.SplitAfter(r.body[:len(r.body)-1], []byte("\n")) {
			var fr frameJSON
			if err := json.Unmarshal(line, &fr); err != nil {
				c.t.Fatalf("request %d: %v in %q", i, err, line)
			}
			out = append(out, fr)
		}
	}
	return out
}

func seqs(frames []frameJSON) []int64 {
	var out []int64
	for _, fr := range frames {
		out = append(out, fr.Seq)
	}
	return out
}

func newPushFixture(t *testing.T, c *collector) *fixture {
	t.Helper()
	return newFixtureWith(t, config{url: c.url, period: time.Second, instance: "runner-1"})
}

// step moves the clock to ms, adds a request sample of that time and flushes.
func (f *fixture) step(ms int64) {
	f.now = at(ms)
	f.add(sample(f.reqs, f.tags("name", "a"), f.now, 1))
	f.o.flushDue(f.now)
}

func TestPushSendsEachFlushsFramesInOneRequest(t *testing.T) {
	t.Parallel()
	c := newCollector(t)
	f := newPushFixture(t, c)
	f.start()
	f.add(sample(f.reqs, f.tags(), at(0), 1), sample(f.reqs, f.tags(), at(1000), 1), sample(f.reqs, f.tags(), at(2000), 1))
	f.now = at(1500)
	f.o.flushDue(f.now) // nothing due: no request
	f.now = at(2500)
	f.o.flushDue(f.now) // [0 s, 1 s)
	f.now = at(4000)
	f.o.flushDue(f.now) // [1 s, 2 s) and [2 s, 3 s), together
	f.now = at(4100)
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	reqs := c.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if got := r.header.Get("Content-Type"); got != "application/x-ndjson" {
			t.Errorf("request %d: Content-Type %q", i, got)
		}
		if got := r.header.Get("X-Loadctl-Instance"); got != "runner-1" {
			t.Errorf("request %d: X-Loadctl-Instance %q", i, got)
		}
	}
	for i, want := range []time.Time{at(2500), at(4000), at(4100)} {
		if got := reqs[i].header.Get("X-Loadctl-Clock"); got != fmt.Sprint(want.UnixMilli()) {
			t.Errorf("request %d: X-Loadctl-Clock %q, want %d", i, got, want.UnixMilli())
		}
	}
	if n := bytes.Count(reqs[1].body, []byte("\n")); n != 2 {
		t.Errorf("the second request carries %d frames, want 2", n)
	}
	fr := c.frames()
	if !reflect.DeepEqual(seqs(fr), []int64{0, 1, 2, 3}) || !fr[3].Final || fr[2].Final || fr[2].Start != at(2000).UnixMilli() || fr[0].Instance != "runner-1" {
		t.Fatalf("%+v", fr)
	}
}

func TestPushKeepsFramesWhileTheCollectorIsDown(t *testing.T) {
	t.Parallel()
	// A dropped connection, an overloaded collector, a rate limit, then it takes them.
	c := newCollector(t, nil, status(503, "restarting"), status(429, ""))
	f := newPushFixture(t, c)
	f.start()
	for ms := int64(0); ms <= 6000; ms += 1000 {
		f.step(ms)
		if ms == 3000 {
			// Tried again one period after a failure, not at every flush.
			f.now = at(3500)
			f.o.flushDue(f.now)
		}
	}
	if f.o.werr != nil {
		t.Fatal(f.o.werr)
	}
	f.now = at(6500)
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	// 2 s: dropped, 3 s: 503, 4 s: 429, 5 s: taken; 6 s and Stop.
	if n := len(c.requests()); n != 6 {
		t.Fatalf("%d requests, want 6", n)
	}
	fr := c.frames()
	if !reflect.DeepEqual(seqs(fr), []int64{0, 1, 2, 3, 4, 5, 6}) || !fr[6].Final {
		t.Fatalf("frames %v", seqs(fr))
	}
	for i, fr := range fr[:6] {
		if fr.Start != at(int64(i)*1000).UnixMilli() {
			t.Fatalf("frame %d starts at %d", i, fr.Start)
		}
	}
}

func TestPushGivesUpWhenTheCollectorRefuses(t *testing.T) {
	t.Parallel()
	c := newCollector(t, status(400, "unknown run\x00\x1b[31m"+strings.Repeat("x", 300)))
	f := newPushFixture(t, c)
	f.start()
	for ms := int64(0); ms <= 5000; ms += 1000 {
		f.step(ms)
	}
	err := f.o.Stop()
	want := `--out loadctl: the collector at ` + c.url + ` refused the frames: 400 Bad Request "unknown run\x00\x1b[31m` + strings.Repeat("x", 200-len("unknown run\x00\x1b[31m")) + `"…`
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	if n := len(c.requests()); n != 1 {
		t.Fatalf("%d requests after the refusal, want 1", n)
	}
}

func TestPushGivesUpAfterAMinuteWithoutTheCollector(t *testing.T) {
	t.Parallel()
	answers := make([]func(http.ResponseWriter), 100)
	for i := range answers {
		answers[i] = status(502, "")
	}
	c := newCollector(t, answers...)
	f := newPushFixture(t, c)
	f.start()
	ms := int64(0)
	for ; f.o.werr == nil && ms < 100_000; ms += 1000 {
		f.step(ms)
	}
	// The first frame was queued at 2 s; at 63 s it has waited more than a minute.
	if ms != 64_000 || !strings.Contains(f.o.werr.Error(), "has taken no frame for 1m1s") {
		t.Fatalf("at %d ms: %v", ms, f.o.werr)
	}
	n := len(c.requests())
	if err := f.o.Stop(); err != f.o.werr {
		t.Fatalf("Stop: %v", err)
	}
	if len(c.requests()) != n {
		t.Fatal("Stop sent frames after giving up")
	}
}

func TestPushStopRetriesTheLastFrames(t *testing.T) {
	t.Parallel()
	t.Run("delivered", func(t *testing.T) {
		t.Parallel()
		c := newCollector(t, status(503, ""), status(503, ""))
		f := newPushFixture(t, c)
		f.o.push.pause = time.Millisecond
		f.start()
		f.add(sample(f.reqs, f.tags(), at(0), 1))
		f.now = at(500)
		if err := f.o.Stop(); err != nil {
			t.Fatal(err)
		}
		if fr := c.frames(); len(fr) != 1 || !fr[0].Final || len(c.requests()) != 3 {
			t.Fatalf("%d requests, frames %+v", len(c.requests()), fr)
		}
	})
	t.Run("not delivered within the budget", func(t *testing.T) {
		t.Parallel()
		answers := make([]func(http.ResponseWriter), 10_000)
		for i := range answers {
			answers[i] = status(503, "")
		}
		c := newCollector(t, answers...)
		f := newPushFixture(t, c)
		f.o.push.budget, f.o.push.pause = 50*time.Millisecond, time.Millisecond
		f.start()
		err := f.o.Stop()
		// The last failure is the 503, unless the budget ran out during the very first request.
		if err == nil || !strings.HasPrefix(err.Error(), "--out loadctl: the last 1 frames, the final one among them, did not reach the collector at "+c.url+" within 50ms: ") ||
			(len(c.requests()) > 1 && !strings.HasSuffix(err.Error(), "answered 503 Service Unavailable")) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestPushStopAnswerStopsTheTestRunOnce(t *testing.T) {
	t.Parallel()
	answers := make([]func(http.ResponseWriter), 10)
	for i := range answers {
		answers[i] = status(200, `{"stop":"error budget spent"}`)
	}
	c := newCollector(t, append([]func(http.ResponseWriter){status(200, `{"ok":true}`)}, answers...)...)
	f := newPushFixture(t, c)
	var stops []error
	f.o.SetTestRunStopCallback(func(err error) { stops = append(stops, err) })
	f.start()
	for ms := int64(0); ms <= 5000; ms += 1000 {
		f.step(ms)
		if ms == 2000 && len(stops) != 0 {
			t.Fatalf("stopped on an answer without stop: %v", stops)
		}
	}
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	if len(stops) != 1 || stops[0].Error() != "stopped by the loadctl collector: error budget spent" {
		t.Fatalf("stops: %v", stops)
	}
	// The frames after the answer, the final one included, were still sent.
	if fr := c.frames(); !reflect.DeepEqual(seqs(fr), []int64{0, 1, 2, 3, 4, 5}) || !fr[5].Final {
		t.Fatalf("frames %v", seqs(fr))
	}
}

// k6 calls AddMetricSamples on its hot path: a collector that takes its time must not hold it up.
func TestPushDoesNotBlockAddMetricSamples(t *testing.T) {
	t.Parallel()
	inRequest, release := make(chan struct{}), make(chan struct{})
	c := newCollector(t, func(w http.ResponseWriter) {
		close(inRequest)
		<-release
	})
	f := newPushFixture(t, c)
	f.start()
	f.add(sample(f.reqs, f.tags(), at(0), 1))
	f.now = at(2000)
	flushed := make(chan struct{})
	go func() {
		f.o.flushDue(at(2000))
		close(flushed)
	}()
	<-inRequest
	f.o.AddMetricSamples([]metrics.SampleContainer{sample(f.reqs, f.tags(), at(2100), 1)})
	close(release)
	<-flushed
	if err := f.o.Stop(); err != nil {
		t.Fatal(err)
	}
	if fr := c.frames(); !reflect.DeepEqual(seqs(fr), []int64{0, 1}) || fr[1].Series[0].Count != 1 {
		t.Fatalf("%+v", fr)
	}
}

func TestParseConfigCollectorURL(t *testing.T) {
	t.Parallel()
	got, err := parseConfig("http://127.0.0.1:9400/frames?period=500ms&instance=r1", "h")
	if err != nil || !reflect.DeepEqual(got, config{url: "http://127.0.0.1:9400/frames", period: 500 * time.Millisecond, instance: "r1"}) {
		t.Fatalf("%+v %v", got, err)
	}
	got, err = parseConfig("HTTP://collector:9400", "h")
	if err != nil || got.url != "http://collector:9400" || got.path != "" {
		t.Fatalf("%+v %v", got, err)
	}
	// Any other scheme is a file's path, as before.
	got, err = parseConfig("ftp://x", "h")
	if err != nil || got.path != "ftp://x" || got.url != "" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, tc := range []struct{ arg, want string }{
		{"https://collector:9400/frames", "https://collector:9400/frames: https is not supported: to send frames across a network you do not trust, tunnel them (e.g. ssh -N -L 9400:127.0.0.1:9400 <collector-host>) and use http://127.0.0.1:9400/…"},
		{"HTTPS://collector:9400?period=1s", "https is not supported"},
		{"http://", "http:// is not a collector URL http://<host>:<port>[/<path>]: it has no host"},
		{"http://:9400/x", "it has no host"},
		{"http://h:0/x", "port 0 is not 1 … 65535"},
		{"http://h:70000", "port 70000 is not 1 … 65535"},
		{"http://h:port", `http://h:port is not a collector URL http://<host>:<port>[/<path>]: parse "http://h:port": invalid port`},
		{"http://u:secret@h:1/x", "it has a user"},
		{"http://h:1/x#y", "it has a #fragment"},
		{"http://u@:0#y", "it has no host, port 0 is not 1 … 65535, it has a user (credentials in a URL end up in logs), it has a #fragment"},
	} {
		_, err := parseConfig(tc.arg, "h")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) = %v, want an error with %q", tc.arg, err, tc.want)
		}
	}
	if _, err := New(k6output.Params{ConfigArgument: "https://c:1/f?instance=r1"}); err == nil ||
		!strings.HasPrefix(err.Error(), "--out loadctl=https://c:1/f?instance=r1: https://c:1/f: https is not supported") {
		t.Fatalf("New: %v", err)
	}
}
