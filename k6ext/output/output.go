// Package output is loadctl's k6 output, `k6 run --out loadctl=<path>[?period=1s&instance=<id>]`: it cuts k6's
// samples into aligned periods and appends one frame per period to <path>, one JSON line each, with an HDR
// histogram per trend series and counts for counters, rates and gauges. With `--out loadctl=http://…` it POSTs
// the lines to a collector instead (push.go). The format, loadctl.frames/v1, is the
// contract with loadctl's reader: docs/stream.md.
//
// AddMetricSamples is on k6's hot path: it takes the lock once per call and, for a series and period already
// seen, only updates numbers (two map look-ups keyed by pointers and integers, no allocation). Encoding and
// writing happen in a goroutine of this output, outside the lock.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/sirupsen/logrus"
	"go.k6.io/k6/ext"
	"go.k6.io/k6/lib/fsext"
	"go.k6.io/k6/metrics"
	k6output "go.k6.io/k6/output"
)

const (
	outputName = "loadctl"
	schema     = "loadctl.frames/v1"
)

// version is set at link time by scripts/setup-k6.mjs (-X loadctl.local/k6ext/output.version=…), with the same
// source stamp as k6/x/loadctl-sse, so `k6 version` tells which sources the output was built from.
var version = "(devel)"

func init() {
	k6output.RegisterExtension(outputName, New)
	// As for the JS extension: the package is in the main module, which has no version of its own.
	if e, ok := ext.Get(ext.OutputExtension)[outputName]; ok {
		e.Version = version
	}
}

// Output implements k6's output.Output, and output.WithTestRunStop for a collector's stop answer.
type Output struct {
	cfg    config
	fs     fsext.Fs
	logger logrus.FieldLogger
	now    func() time.Time
	// open is how Start opens the destination; tests replace it to watch each Write.
	open func() (io.WriteCloser, error)
	// push is the destination when it is a collector's URL, nil for a file.
	push *pusher
	// tick is how often the flushing goroutine looks for due periods; tests that flush by hand make it long.
	tick time.Duration
	// stopRun is k6's way to stop the test run (SetTestRunStopCallback), handed to push.
	stopRun func(error)

	mu       sync.Mutex
	byTS     map[metrics.TimeSeries]int32 // a sample's metric and tag set → index into keys
	keyIndex map[seriesKey]int32
	names    map[string]struct{}   // the names kept apart, at most cfg.maxNames
	tagVals  []map[string]struct{} // per kept tag (cfg.tags), the values kept apart, at most cfg.maxNames each
	tagBuf   []byte                // indexOf's scratch for a seriesKey's tags
	keys     []seriesKey
	periods  map[int64]*period // by start, Unix ns
	cur      *period           // the period the last sample went to: most samples go there too
	latest   int64             // start of the latest period seen, Unix ns
	seen     bool
	stopped  bool
	freeAgg  []*agg
	hists    histPool
	freePer  []*period

	// startedAt is set by Start, stoppedAt by Stop, firstNs is the earliest sample's time (Unix ns, once
	// anySample): the final frame's runMs.
	startedAt, stoppedAt time.Time
	firstNs              int64
	anySample            bool

	// Only the flushing goroutine, then Stop after it has ended, touch these.
	w       io.WriteCloser
	seq     int64
	buf     bytes.Buffer
	enc     *json.Encoder
	scratch *hdrhistogram.Histogram // encodes trends whose values are still raw
	werr    error
	stopCh  chan struct{}
	flushed chan struct{}
}

type period struct {
	start int64
	aggs  []*agg // by key index; nil where the series had no sample
	used  []int32
}

var _ k6output.WithTestRunStop = (*Output)(nil)

// New is the constructor k6 calls for `--out loadctl=…`; params.ConfigArgument is what follows the `=`.
func New(params k6output.Params) (k6output.Output, error) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "k6"
	}
	cfg, err := parseConfig(params.ConfigArgument, fmt.Sprintf("%s-%d", host, os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("--out loadctl=%s: %w", params.ConfigArgument, err)
	}
	fs := params.FS
	if fs == nil {
		fs = fsext.NewOsFs()
	}
	logger := params.Logger
	if logger == nil {
		logger = logrus.StandardLogger()
	}
	return newOutput(cfg, fs, logger.WithField("output", outputName), time.Now), nil
}

func newOutput(cfg config, fs fsext.Fs, logger logrus.FieldLogger, now func() time.Time) *Output {
	o := &Output{
		cfg:      cfg,
		fs:       fs,
		logger:   logger,
		now:      now,
		byTS:     make(map[metrics.TimeSeries]int32),
		keyIndex: make(map[seriesKey]int32),
		names:    make(map[string]struct{}),
		periods:  make(map[int64]*period),
	}
	for range cfg.tags {
		o.tagVals = append(o.tagVals, make(map[string]struct{}))
	}
	// A period is due one period after its end; a quarter period of checking keeps frames at most that late.
	o.tick = cfg.period / 4
	o.open = func() (io.WriteCloser, error) {
		return o.fs.OpenFile(o.cfg.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	}
	if cfg.url != "" {
		o.push = newPusher(cfg.url, cfg.instance, cfg.period, logger, now)
		o.open = func() (io.WriteCloser, error) { return o.push, nil }
	}
	o.scratch = newHistogram()
	o.enc = json.NewEncoder(&o.buf)
	o.enc.SetEscapeHTML(false)
	return o
}

// dest names the destination in messages: the file's path or the collector's URL.
func (o *Output) dest() string {
	if o.cfg.url != "" {
		return o.cfg.url
	}
	return o.cfg.path
}

// Description is shown by `k6 run` under "output:".
func (o *Output) Description() string {
	return fmt.Sprintf("loadctl %s (%s, period %s, instance %s)", version, o.dest(), o.cfg.period, o.cfg.instance)
}

// SetTestRunStopCallback implements k6's output.WithTestRunStop: k6 calls it before Start, and a collector's
// stop answer calls the function (push.go).
func (o *Output) SetTestRunStopCallback(stop func(error)) {
	o.stopRun = stop
}

// Start opens the destination for appending and starts writing periods as they become due.
func (o *Output) Start() error {
	o.startedAt = o.now()
	if o.push != nil {
		o.push.stopRun = o.stopRun
	}
	w, err := o.open()
	if err != nil {
		return fmt.Errorf("--out loadctl: cannot open %s to append frames to: %w", o.cfg.path, err)
	}
	o.w = w
	o.stopCh = make(chan struct{})
	o.flushed = make(chan struct{})
	go o.flushLoop()
	return nil
}

func (o *Output) flushLoop() {
	defer close(o.flushed)
	t := time.NewTicker(o.tick)
	defer t.Stop()
	for {
		select {
		case <-o.stopCh:
			return
		case <-t.C:
			o.flushDue(o.now())
		}
	}
}

// AddMetricSamples files each sample under the period of its own timestamp. k6 never calls it concurrently,
// but the flushing goroutine takes periods away, hence the lock.
func (o *Output) AddMetricSamples(containers []metrics.SampleContainer) {
	periodNs := int64(o.cfg.period)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return
	}
	for _, c := range containers {
		for _, s := range c.GetSamples() {
			if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
				// JSON has no such numbers; k6's own metrics never produce them.
				continue
			}
			t := s.Time.UnixNano()
			if !o.anySample || t < o.firstNs {
				o.firstNs, o.anySample = t, true
			}
			start := t - mod(t, periodNs)
			p := o.cur
			if p == nil || p.start != start {
				p = o.periods[start]
				if p == nil {
					p = o.newPeriod(start)
					o.periods[start] = p
				}
				o.cur = p
			}
			if !o.seen || start > o.latest {
				o.latest, o.seen = start, true
			}
			idx, ok := o.byTS[s.TimeSeries]
			if !ok {
				idx = o.indexOf(s.TimeSeries)
			}
			if int(idx) >= len(p.aggs) {
				p.aggs = append(p.aggs, make([]*agg, int(idx)+1-len(p.aggs))...)
			}
			a := p.aggs[idx]
			if a == nil {
				a = o.newAgg()
				p.aggs[idx] = a
				p.used = append(p.used, idx)
			}
			a.add(s.Metric.Type, s.Value, t, &o.hists)
		}
	}
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// indexOf is the slow path, once per metric and tag set: the tags a frame keeps, and their key's index.
func (o *Output) indexOf(ts metrics.TimeSeries) int32 {
	var k seriesKey
	k.metric = ts.Metric
	if ts.Tags != nil {
		k.name, _ = ts.Tags.Get("name")
		k.name = o.boundName(k.name)
		status, ok := ts.Tags.Get("status")
		k.status = statusClass(status, ok)
		k.scenario, _ = ts.Tags.Get("scenario")
	}
	if len(o.cfg.tags) > 0 {
		b := o.tagBuf[:0]
		for i, key := range o.cfg.tags {
			var v string
			var ok bool
			if ts.Tags != nil {
				v, ok = ts.Tags.Get(key)
			}
			if ok {
				v = o.boundTag(i, v)
			}
			b = appendTag(b, v, ok)
		}
		k.tags = string(b)
		o.tagBuf = b
	}
	idx, ok := o.keyIndex[k]
	if !ok {
		idx = int32(len(o.keys))
		o.keys = append(o.keys, k)
		o.keyIndex[k] = idx
	}
	o.byTS[ts] = idx
	return idx
}

// boundName keeps the first maxNames distinct names apart and files the rest under OtherName, so a plan of
// thousands of endpoints costs frames of a bounded size (counts and totals stay exact).
func (o *Output) boundName(name string) string {
	if o.cfg.maxNames == 0 || name == "" {
		return name
	}
	if _, ok := o.names[name]; ok {
		return name
	}
	if len(o.names) >= o.cfg.maxNames {
		return OtherName
	}
	o.names[name] = struct{}{}
	return name
}

// boundTag is boundName for the i-th kept tag: its first maxNames distinct values are kept apart, later ones
// are OtherName.
func (o *Output) boundTag(i int, v string) string {
	if o.cfg.maxNames == 0 || v == "" {
		return v
	}
	seen := o.tagVals[i]
	if _, ok := seen[v]; ok {
		return v
	}
	if len(seen) >= o.cfg.maxNames {
		return OtherName
	}
	seen[v] = struct{}{}
	return v
}

func (o *Output) newPeriod(start int64) *period {
	if n := len(o.freePer); n > 0 {
		p := o.freePer[n-1]
		o.freePer = o.freePer[:n-1]
		p.start = start
		return p
	}
	return &period{start: start}
}

func (o *Output) newAgg() *agg {
	if n := len(o.freeAgg); n > 0 {
		a := o.freeAgg[n-1]
		o.freeAgg = o.freeAgg[:n-1]
		return a
	}
	return &agg{}
}

// takeDue removes and returns, oldest first, the periods that ended at least one period before `before`
// (all of them when all is true), and a snapshot of the keys they index.
func (o *Output) takeDue(now time.Time, all bool) ([]*period, []seriesKey) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var due []*period
	limit := now.UnixNano() - 2*int64(o.cfg.period)
	for start, p := range o.periods {
		if all || start <= limit {
			due = append(due, p)
			delete(o.periods, start)
			if o.cur == p {
				o.cur = nil
			}
		}
	}
	slices.SortFunc(due, func(a, b *period) int { return cmpInt64(a.start, b.start) })
	// keys only grows; a slice header taken under the lock stays valid for the indexes these periods use.
	return due, o.keys
}

// recycle resets the periods' aggregates outside the lock (a histogram reset clears its whole array), then
// hands them back.
func (o *Output) recycle(done []*period) {
	var hists []*hdrhistogram.Histogram
	for _, p := range done {
		for _, idx := range p.used {
			if h := p.aggs[idx].reset(); h != nil {
				hists = append(hists, h)
			}
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.hists.free = append(o.hists.free, hists...)
	for _, p := range done {
		for _, idx := range p.used {
			o.freeAgg = append(o.freeAgg, p.aggs[idx])
			p.aggs[idx] = nil
		}
		p.used = p.used[:0]
		o.freePer = append(o.freePer, p)
	}
}

func (o *Output) flushDue(now time.Time) {
	due, keys := o.takeDue(now, false)
	for _, p := range due {
		o.writeFrame(p, keys, false)
	}
	o.recycle(due)
	if o.push != nil && o.werr == nil {
		// Outside the lock and off k6's goroutine: AddMetricSamples never waits for the collector.
		if err := o.push.send(); err != nil {
			o.giveUp(fmt.Errorf("--out loadctl: %w", err))
		}
	}
}

// giveUp ends the stream after a failure: no frame is written or sent after it, and Stop returns err.
func (o *Output) giveUp(err error) {
	o.werr = err
	o.logger.WithError(err).Error("no more frames will be written")
}

// Stop writes every period not yet written, the last one marked final (an empty final frame when none is
// left, and the final frame carries runMs), and closes the file, or delivers the frames still queued for the
// collector.
func (o *Output) Stop() error {
	if o.w == nil {
		return nil
	}
	o.stoppedAt = o.now()
	close(o.stopCh)
	<-o.flushed
	o.mu.Lock()
	o.stopped = true
	latest, seen := o.latest, o.seen
	o.mu.Unlock()
	due, keys := o.takeDue(o.stoppedAt, true)
	for i, p := range due {
		o.writeFrame(p, keys, i == len(due)-1)
	}
	if len(due) == 0 {
		if !seen {
			t := o.stoppedAt.UnixNano()
			latest = t - mod(t, int64(o.cfg.period))
		}
		o.writeFrame(&period{start: latest}, keys, true)
	}
	o.recycle(due)
	err := o.werr
	if cerr := o.w.Close(); cerr != nil && err == nil {
		if o.push != nil {
			err = fmt.Errorf("--out loadctl: %w", cerr)
		} else {
			err = fmt.Errorf("--out loadctl: closing %s: %w", o.cfg.path, cerr)
		}
	}
	return err
}

// runDuration is the test's run time: from its first sample to the output's stop. k6 starts outputs before it
// initializes VUs, which for thousands of VUs takes seconds that k6's own test run duration leaves out; its
// first samples (setup's, the first vus gauge) come when execution starts.
func (o *Output) runDuration() time.Duration {
	from := o.startedAt
	if o.anySample && o.firstNs > from.UnixNano() {
		from = time.Unix(0, o.firstNs)
	}
	if d := o.stoppedAt.Sub(from); d > 0 {
		return d
	}
	return 0
}

type frameJSON struct {
	Schema   string `json:"schema"`
	Instance string `json:"instance"`
	Seq      int64  `json:"seq"`
	PeriodMs int64  `json:"periodMs"`
	Start    int64  `json:"start"`
	Final    bool   `json:"final"`
	// RunMs is on the final frame only: whole milliseconds from the output's Start to its Stop.
	RunMs  *int64       `json:"runMs,omitempty"`
	Series []seriesJSON `json:"series"`
}

type seriesJSON struct {
	Metric   string `json:"metric"`
	Type     string `json:"type"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Scenario string `json:"scenario"`
	// Tags holds the kept tags (the `tags=` option) present on the series' samples; without the option, none.
	Tags   map[string]string `json:"tags,omitempty"`
	Count  int64             `json:"count"`
	Sum    float64           `json:"sum"`
	Min    *float64          `json:"min,omitempty"`
	Max    *float64          `json:"max,omitempty"`
	Last   *float64          `json:"last,omitempty"`
	Values []int64           `json:"values,omitempty"`
	HDR    string            `json:"hdr,omitempty"`
}

func renderSeries(k seriesKey, tagKeys []string, a *agg, scratch *hdrhistogram.Histogram) (seriesJSON, error) {
	s := seriesJSON{
		Metric: k.metric.Name, Type: typeName(k.metric.Type),
		Name: k.name, Status: k.status, Scenario: k.scenario,
		Count: a.count, Sum: a.sum,
	}
	rest := k.tags
	for _, key := range tagKeys {
		var v string
		var ok bool
		v, ok, rest = nextTag(rest)
		if ok {
			if s.Tags == nil {
				s.Tags = make(map[string]string, len(tagKeys))
			}
			s.Tags[key] = v
		}
	}
	switch k.metric.Type {
	case metrics.Gauge:
		s.Min, s.Max, s.Last = &a.min, &a.max, &a.last
	case metrics.Trend:
		s.Min, s.Max = &a.min, &a.max
		if a.hdr == nil && len(a.raw) <= valuesLimit {
			// Encoded before the agg is recycled (writeFrame), so the slice need not be copied.
			s.Values = a.raw
			return s, nil
		}
		enc, err := a.encode(scratch)
		if err != nil {
			return s, fmt.Errorf("encoding the histogram of %s: %w", k.metric.Name, err)
		}
		s.HDR = string(enc)
	}
	return s, nil
}

func compareKeys(a, b seriesKey) int {
	if c := cmpStrings(
		[]string{a.metric.Name, a.name, a.status, a.scenario},
		[]string{b.metric.Name, b.name, b.status, b.scenario},
	); c != 0 {
		return c
	}
	return compareTags(a.tags, b.tags)
}

func cmpStrings(a, b []string) int {
	for i := range a {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// writeFrame writes one period as one line, with a single Write, so a reader never sees half a line that
// ends in "\n". After a write error the output stops writing and Stop returns the error.
func (o *Output) writeFrame(p *period, keys []seriesKey, final bool) {
	if o.werr != nil {
		return
	}
	used := slices.Clone(p.used)
	slices.SortFunc(used, func(a, b int32) int { return compareKeys(keys[a], keys[b]) })
	f := frameJSON{
		Schema: schema, Instance: o.cfg.instance, Seq: o.seq,
		PeriodMs: o.cfg.period.Milliseconds(), Start: p.start / int64(time.Millisecond), Final: final,
		Series: make([]seriesJSON, 0, len(used)),
	}
	if final {
		ms := o.runDuration().Milliseconds()
		f.RunMs = &ms
	}
	err := func() error {
		for _, idx := range used {
			s, err := renderSeries(keys[idx], o.cfg.tags, p.aggs[idx], o.scratch)
			if err != nil {
				return err
			}
			f.Series = append(f.Series, s)
		}
		o.buf.Reset()
		if err := o.enc.Encode(&f); err != nil { // Encode ends the line with "\n"
			return err
		}
		_, err := o.w.Write(o.buf.Bytes())
		return err
	}()
	if err != nil {
		o.giveUp(fmt.Errorf("--out loadctl: writing frame %d to %s: %w", o.seq, o.dest(), err))
		return
	}
	o.seq++
}
