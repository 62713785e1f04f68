// Package sse is loadctl's k6 extension, imported as k6/x/loadctl-sse: an HTTP request whose response body is
// read as Server-Sent Events while it arrives, so time to first token and the gaps between tokens are
// measured when the bytes come in. Stock k6 only hands a script the body once it is complete, and its
// `waiting` timing is the time to the first byte of the headers, which a server that flushes its headers at
// once makes ≈ 0 however long the first token takes.
//
// The request itself goes through k6's own httpext.MakeRequest with the VU's transport, so it keeps k6's
// semantics: the usual http_req_* samples tagged like k6/http's (name, method, status, expected_response…),
// http_req_failed, cookies, redirects, timeouts, TLS options, --http-debug and the rps limit. The one change is
// a transport wrapper that times the body as it is read.
package sse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/ext"
	"go.k6.io/k6/js/common"
	"go.k6.io/k6/js/modules"
	"go.k6.io/k6/lib"
	"go.k6.io/k6/lib/netext/httpext"
	"go.k6.io/k6/lib/types"
	"go.k6.io/k6/metrics"
)

const importPath = "k6/x/loadctl-sse"

// version is set at link time by scripts/setup-k6.mjs (-X loadctl.local/k6ext/sse.version=…) from a hash of
// this module's sources, so `k6 version` tells which extension a binary carries.
var version = "(devel)"

// Metric names. Each sample carries the request's tags (the step's `name` among them), so thresholds such as
// `ttft{name:chat}` select one endpoint.
const (
	metricTTFT            = "ttft"
	metricTTFBHeaders     = "ttfb_headers"
	metricInterToken      = "inter_token_latency"
	metricTokens          = "stream_tokens"
	metricTokensPerSecond = "tokens_per_second"
	metricCompleted       = "stream_completed"
	// The LLM serving figures of docs/llm.md, per request.
	metricTPOT            = "tpot"
	metricE2E             = "e2e_latency"
	metricOutputTokens    = "output_tokens"
	metricInputTokens     = "input_tokens"
	metricOutputPerSecond = "output_tokens_per_second"
	metricGoodput         = "goodput"
	// tagTokenSource names where a token count came from: usage, tokenizer or events.
	tagTokenSource = "token_source"
)

func init() {
	modules.Register(importPath, new(rootModule))
	// k6 reads an extension's version from the Go module that holds it; this package is in the main module,
	// which has no version, so `k6 version` would print an empty field. Registered entries are pointers.
	if e, ok := ext.Get(ext.JSExtension)[importPath]; ok {
		e.Version = version
	}
}

type streamMetrics struct {
	ttft, ttfbHeaders, interToken, tokens, tokensPerSecond, completed *metrics.Metric
	tpot, e2e, outputTokens, inputTokens, outputPerSecond, goodput    *metrics.Metric
}

func registerMetrics(r *metrics.Registry) (*streamMetrics, error) {
	var errs []error
	add := func(name string, typ metrics.MetricType, vt ...metrics.ValueType) *metrics.Metric {
		m, err := r.NewMetric(name, typ, vt...)
		if err != nil {
			errs = append(errs, err)
		}
		return m
	}
	m := &streamMetrics{
		ttft:            add(metricTTFT, metrics.Trend, metrics.Time),
		ttfbHeaders:     add(metricTTFBHeaders, metrics.Trend, metrics.Time),
		interToken:      add(metricInterToken, metrics.Trend, metrics.Time),
		tokens:          add(metricTokens, metrics.Trend),
		tokensPerSecond: add(metricTokensPerSecond, metrics.Trend),
		completed:       add(metricCompleted, metrics.Rate),
		tpot:            add(metricTPOT, metrics.Trend, metrics.Time),
		e2e:             add(metricE2E, metrics.Trend, metrics.Time),
		outputTokens:    add(metricOutputTokens, metrics.Counter),
		inputTokens:     add(metricInputTokens, metrics.Counter),
		outputPerSecond: add(metricOutputPerSecond, metrics.Trend),
		goodput:         add(metricGoodput, metrics.Rate),
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w", importPath, errors.Join(errs...))
	}
	return m, nil
}

type rootModule struct{}

type moduleInstance struct {
	vu      modules.VU
	metrics *streamMetrics
}

var (
	_ modules.Module   = &rootModule{}
	_ modules.Instance = &moduleInstance{}
)

// NewModuleInstance runs in each VU's init context, where custom metrics can be registered (k6 returns the
// existing metric when another VU already did).
func (*rootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	mi := &moduleInstance{vu: vu}
	if env := vu.InitEnv(); env != nil {
		m, err := registerMetrics(env.Registry)
		if err != nil {
			common.Throw(vu.Runtime(), err)
		}
		mi.metrics = m
	}
	return mi
}

func (mi *moduleInstance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"request": mi.request,
		"version": version,
	}}
}

// options are request()'s fourth argument.
type options struct {
	headers  map[string]string
	tags     sobek.Value
	timeout  time.Duration
	expected func(int) bool
	redirect *int64
	rules    rules
	keepText bool
	// send, when set, is the question sent once the stream is open (send.go).
	send *sendOptions
	// slo, when given, adds a goodput sample per request (usage.go).
	slo *slo
}

func parseOptions(rt *sobek.Runtime, params sobek.Value) (*options, error) {
	o := &options{
		timeout:  60 * time.Second,
		expected: statusRange(200, 399),
		rules:    rules{endData: "[DONE]", readUsage: true},
	}
	if common.IsNullish(params) {
		return o, nil
	}
	obj := params.ToObject(rt)
	var send sobek.Value
	for _, key := range obj.Keys() {
		v := obj.Get(key)
		switch key {
		case "headers":
			if common.IsNullish(v) {
				continue
			}
			h := v.ToObject(rt)
			o.headers = make(map[string]string, len(h.Keys()))
			for _, name := range h.Keys() {
				o.headers[name] = h.Get(name).String()
			}
		case "tags":
			o.tags = v
		case "timeout":
			d, err := types.GetDurationValue(v.Export())
			if err != nil {
				return nil, fmt.Errorf("invalid timeout: %w", err)
			}
			o.timeout = d
		case "expectedStatuses":
			if common.IsNullish(v) {
				o.expected = nil
				continue
			}
			var statuses []int
			if err := rt.ExportTo(v, &statuses); err != nil {
				return nil, fmt.Errorf("expectedStatuses: expected an array of status codes: %w", err)
			}
			o.expected = statusList(statuses)
		case "redirects":
			n := v.ToInteger()
			o.redirect = &n
		case "endData":
			o.rules.endData = v.String()
		case "endEvent":
			o.rules.endEvent = v.String()
		case "tokenPath":
			path, err := parsePath(v.Export())
			if err != nil {
				return nil, err
			}
			o.rules.tokenPath = path
		case "keepText":
			o.keepText = v.ToBoolean()
		case "usage":
			o.rules.readUsage = v.ToBoolean()
		case "slo":
			s, err := parseSLO(rt, v)
			if err != nil {
				return nil, err
			}
			o.slo = s
		case "send":
			send = v
		default:
			return nil, fmt.Errorf("unknown request parameter %q", key)
		}
	}
	if !common.IsNullish(send) {
		// After the loop: the question's timeout defaults to the stream's, whatever the key order.
		s, err := parseSendOptions(rt, send, o.timeout)
		if err != nil {
			return nil, err
		}
		o.send = s
	}
	return o, nil
}

// parseSLO reads `slo: {ttft, tpot, e2e}`, each a k6 duration ("2s") or milliseconds.
func parseSLO(rt *sobek.Runtime, v sobek.Value) (*slo, error) {
	if common.IsNullish(v) {
		return nil, nil
	}
	obj := v.ToObject(rt)
	s := &slo{}
	for _, key := range obj.Keys() {
		d, err := types.GetDurationValue(obj.Get(key).Export())
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("slo.%s: expected a positive duration", key)
		}
		switch key {
		case "ttft":
			s.ttft = d
		case "tpot":
			s.tpot = d
		case "e2e":
			s.e2e = d
		default:
			return nil, fmt.Errorf("unknown slo %q (expected ttft, tpot or e2e)", key)
		}
	}
	return s, nil
}

// parsePath reads a JSON path given as its segments: strings are object keys, whole numbers array indices.
func parsePath(v any) ([]pathSegment, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("tokenPath: expected an array of keys and indices, got %T", v)
	}
	path := make([]pathSegment, 0, len(items))
	for _, item := range items {
		switch s := item.(type) {
		case string:
			path = append(path, pathSegment{key: s, isKey: true})
		case int64:
			path = append(path, pathSegment{index: int(s)})
		case float64:
			path = append(path, pathSegment{index: int(s)})
		default:
			return nil, fmt.Errorf("tokenPath: %v is neither a key nor an index", item)
		}
	}
	return path, nil
}

func statusRange(lo, hi int) func(int) bool {
	return func(status int) bool { return status >= lo && status <= hi }
}

func statusList(statuses []int) func(int) bool {
	return func(status int) bool {
		for _, s := range statuses {
			if s == status {
				return true
			}
		}
		return false
	}
}

// request(method, url, body, params) sends one request and reads its response as a stream of events; with
// `params.send`, it also sends a second request once the stream is open (send.go).
// Like k6/http it does not throw on network errors or bad statuses: they are in `status`, `error` and
// `error_code` of the result, and `stream.completed` is false.
func (mi *moduleInstance) request(method string, rawURL sobek.Value, body sobek.Value, params sobek.Value) (sobek.Value, error) {
	state := mi.vu.State()
	if state == nil {
		return nil, fmt.Errorf("%s: request() cannot be called in the init context", importPath)
	}
	rt := mi.vu.Runtime()
	opts, err := parseOptions(rt, params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", importPath, err)
	}
	preq, err := prepareRequest(rt, state, method, rawURL, body, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", importPath, err)
	}

	tl := newTimeline(&opts.rules, opts.keepText)
	observer := &observingTransport{base: state.Transport, timeline: tl}
	ctx := mi.vu.Context()
	if opts.send != nil {
		spreq, err := prepareSend(rt, state, opts.send)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", importPath, err)
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		// The question goes with the VU's own state: its transport is not the stream's observer.
		observer.cycle = newCycle(sendWithK6(mi.vu.Context(), state, spreq), cancel)
	}
	// A copy of the VU state whose transport times the body; everything else (samples channel, options,
	// dialer, tags) is the VU's own.
	observed := *state
	observed.Transport = observer
	resp, err := httpext.MakeRequest(ctx, &observed, preq)
	if observer.cycle != nil {
		observer.cycle.wait()
	}
	if err != nil {
		return nil, err
	}
	end := time.Now()

	tags := preq.TagsAndMeta
	if _, ok := tags.Tags.Get(metrics.TagName.String()); !ok {
		// k6 names an untagged request by its URL; the stream metrics follow it.
		tags.SetTag(metrics.TagName.String(), preq.URL.Clean())
	}
	var c counts
	if observer.answered() {
		prompt := body
		if opts.send != nil {
			// With `send`, the prompt is the question's body, not the request that opened the stream.
			prompt = opts.send.body
		}
		c = countTokens(observer.timeline, bodyText(prompt))
	}
	f := figuresOf(observer.timeline, observer.ttftOrigin(), c)
	mi.pushSamples(state, &tags, observer, end, f, opts.slo)
	return mi.renderResult(rt, resp, observer, f), nil
}

func prepareRequest(
	rt *sobek.Runtime, state *lib.State, method string, rawURL, body sobek.Value, opts *options,
) (*httpext.ParsedHTTPRequest, error) {
	u, err := httpext.ToURL(rawURL.Export())
	if err != nil {
		return nil, err
	}
	preq := &httpext.ParsedHTTPRequest{
		URL: &u,
		Req: &http.Request{
			Method: strings.ToUpper(method),
			URL:    u.GetURL(),
			Header: make(http.Header),
		},
		Timeout:          opts.timeout,
		Throw:            state.Options.Throw.Bool,
		Redirects:        state.Options.MaxRedirects,
		Cookies:          make(map[string]*httpext.HTTPRequestCookie),
		ResponseCallback: opts.expected,
		// The body is consumed by the timing transport as it arrives; k6 only drains what is left.
		ResponseType: httpext.ResponseTypeNone,
		TagsAndMeta:  state.Tags.GetCurrentValues(),
	}
	if opts.redirect != nil {
		preq.Redirects.Int64, preq.Redirects.Valid = *opts.redirect, true
	}
	if !common.IsNullish(body) {
		switch b := body.Export().(type) {
		case string:
			preq.Body = bytes.NewBufferString(b)
		case []byte:
			preq.Body = bytes.NewBuffer(b)
		default:
			return nil, fmt.Errorf("the body must be a string, got %T", b)
		}
	}
	preq.Req.Header.Set("User-Agent", state.Options.UserAgent.String)
	preq.Req.Header.Set("Accept", "text/event-stream")
	for name, value := range opts.headers {
		if strings.EqualFold(name, "host") {
			preq.Req.Host = value
			continue
		}
		preq.Req.Header.Set(name, value)
	}
	if err := common.ApplyCustomUserTags(rt, &preq.TagsAndMeta, opts.tags); err != nil {
		return nil, fmt.Errorf("invalid tags: %w", err)
	}
	if state.CookieJar != nil {
		preq.ActiveJar = state.CookieJar
		httpext.SetRequestCookies(preq.Req, preq.ActiveJar, preq.Cookies)
	}
	return preq, nil
}

// observingTransport hands each response body to the timeline as its bytes are read.
type observingTransport struct {
	base     http.RoundTripper
	timeline *timeline
	// start is when the first round trip began: the origin of ttft and ttfb_headers. It includes getting a
	// connection (DNS, connect, TLS), which the user of a chat waits through too.
	start time.Time
	// cycle, with `send`, sends the question when the stream's headers arrive; ttft then counts from there.
	cycle *cycle
}

// ttftOrigin is when the wait for the first token began: the question's sending, or the request's start.
func (t *observingTransport) ttftOrigin() time.Time {
	if t.cycle != nil {
		return t.cycle.sentAt
	}
	return t.start
}

// answered says whether the stream's tokens are an answer: a 2xx stream, and with `send` an accepted question.
func (t *observingTransport) answered() bool {
	ok := t.timeline.status >= 200 && t.timeline.status < 300
	if t.cycle != nil {
		return ok && t.cycle.answered()
	}
	return ok
}

func (t *observingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.start.IsZero() {
		t.start = time.Now()
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp == nil {
		return resp, err
	}
	at := time.Now()
	t.timeline.begin(resp.StatusCode, at)
	if t.cycle != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		t.cycle.start(at)
	}
	resp.Body = &observedBody{ReadCloser: resp.Body, timeline: t.timeline, cycle: t.cycle}
	return resp, nil
}

type observedBody struct {
	io.ReadCloser
	timeline *timeline
	cycle    *cycle
}

func (b *observedBody) Read(p []byte) (int, error) {
	if b.cycle != nil && b.timeline.completed {
		// A session's stream stays open for the next question: the reply is over, so the client hangs up.
		return 0, io.EOF
	}
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.timeline.feed(p[:n], time.Now())
	}
	if err != nil && b.cycle != nil && b.cycle.refused.Load() {
		// The cycle closed the stream itself (the question was refused): the stream did not fail.
		err = io.EOF
	}
	return n, err
}

func (mi *moduleInstance) pushSamples(
	state *lib.State, tags *metrics.TagsAndMeta, observer *observingTransport, end time.Time, f figures, goal *slo,
) {
	m := mi.metrics
	if m == nil {
		return
	}
	tl, start := observer.timeline, observer.start
	samples := make(metrics.Samples, 0, 12+len(tl.gaps))
	add := func(metric *metrics.Metric, at time.Time, value float64) {
		samples = append(samples, metrics.Sample{
			TimeSeries: metrics.TimeSeries{Metric: metric, Tags: tags.Tags},
			Time:       at,
			Metadata:   tags.Metadata,
			Value:      value,
		})
	}
	if !tl.headersAt.IsZero() {
		add(m.ttfbHeaders, tl.headersAt, metrics.D(tl.headersAt.Sub(start)))
	}
	if f.hasTTFT {
		add(m.ttft, tl.first, metrics.D(f.ttft))
		at := tl.first
		for _, gap := range tl.gaps {
			at = at.Add(gap)
			add(m.interToken, at, metrics.D(gap))
		}
		add(m.e2e, tl.answerEnd, metrics.D(f.e2e))
	}
	if f.hasTPOT {
		add(m.tpot, tl.answerEnd, f.tpotMs)
	}
	if observer.answered() {
		add(m.tokens, end, float64(tl.tokens))
		if tps, ok := tl.tokensPerSecond(); ok {
			add(m.tokensPerSecond, end, tps)
		}
		if f.hasOutputRate {
			add(m.outputPerSecond, end, f.outputPerSecond)
		}
		samples = append(samples, sourceSample(m.outputTokens, tags, f.outputSource, end, f.output))
		if f.inputSource != "" {
			samples = append(samples, sourceSample(m.inputTokens, tags, f.inputSource, end, f.input))
		}
	}
	completed := 0.0
	if tl.completed && (observer.cycle == nil || observer.cycle.answered()) {
		completed = 1
	}
	add(m.completed, end, completed)
	if goal.given() {
		good := 0.0
		if completed == 1 && observer.answered() && goal.good(f, true) {
			good = 1
		}
		add(m.goodput, end, good)
	}
	metrics.PushIfNotDone(mi.vu.Context(), state.Samples, samples)
}

// sourceSample is a token count tagged with where it came from (token_source), so a summary can tell the
// server's counts from loadctl's estimates.
func sourceSample(metric *metrics.Metric, tags *metrics.TagsAndMeta, source string, at time.Time, n int) metrics.Sample {
	return metrics.Sample{
		TimeSeries: metrics.TimeSeries{Metric: metric, Tags: tags.Tags.With(tagTokenSource, source)},
		Time:       at,
		Metadata:   tags.Metadata,
		Value:      float64(n),
	}
}

// bodyText is the request body as text, for counting the prompt's tokens when the server does not.
func bodyText(body sobek.Value) string {
	if common.IsNullish(body) {
		return ""
	}
	switch b := body.Export().(type) {
	case string:
		return b
	case []byte:
		return string(b)
	default:
		return ""
	}
}

func orNil[T any](ok bool, v T) any {
	if !ok {
		return nil
	}
	return v
}

// renderResult is a k6/http-like response (status, headers, body, cookies, timings, error) plus `stream`.
func (mi *moduleInstance) renderResult(
	rt *sobek.Runtime, resp *httpext.Response, observer *observingTransport, f figures,
) sobek.Value {
	tl := observer.timeline
	since := func(from, at time.Time) any {
		if at.IsZero() || from.IsZero() {
			return nil
		}
		return metrics.D(at.Sub(from))
	}
	gaps := make([]float64, len(tl.gaps))
	for i, gap := range tl.gaps {
		gaps[i] = metrics.D(gap)
	}
	var tps any
	if v, ok := tl.tokensPerSecond(); ok {
		tps = v
	}
	var text any
	if tl.keepText {
		text = tl.text.String()
	}
	t := resp.Timings
	return rt.ToValue(map[string]any{
		"url":         resp.URL,
		"status":      resp.Status,
		"status_text": resp.StatusText,
		"proto":       resp.Proto,
		"headers":     resp.Headers,
		"cookies":     resp.Cookies,
		"body":        text,
		"error":       resp.Error,
		"error_code":  resp.ErrorCode,
		"timings": map[string]any{
			"duration":        t.Duration,
			"blocked":         t.Blocked,
			"connecting":      t.Connecting,
			"tls_handshaking": t.TLSHandshaking,
			"sending":         t.Sending,
			"waiting":         t.Waiting,
			"receiving":       t.Receiving,
		},
		"send": renderSend(observer.cycle),
		"stream": map[string]any{
			"status":          tl.status,
			"events":          tl.events,
			"tokens":          tl.tokens,
			"completed":       tl.completed,
			"ttfbHeaders":     since(observer.start, tl.headersAt),
			"ttft":            since(observer.ttftOrigin(), tl.first),
			"interTokenMs":    gaps,
			"tokensPerSecond": tps,
			"e2e":             since(observer.ttftOrigin(), tl.answerEnd),
			"tpot":            orNil(f.hasTPOT, f.tpotMs),
			"outputTokens":    f.output,
			"outputSource":    f.outputSource,
			"inputTokens":     orNil(f.inputSource != "", f.input),
			"inputSource":     f.inputSource,
		},
	})
}
