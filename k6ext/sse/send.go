package sse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/js/common"
	"go.k6.io/k6/lib"
	"go.k6.io/k6/lib/netext/httpext"
	"go.k6.io/k6/lib/types"
)

// The two-request cycle of a session-style chat API: request() opens the event stream (a GET), and once the
// stream's headers have arrived it sends the question (`send`, usually a POST) whose reply comes on that
// stream. Reading stops at the end marker and the client closes the stream, as a chat client does; a question
// the server refuses (429 from a rate limiter, 404 for an unknown session…) closes the stream at once, since no
// reply will come.

// sendOptions is request()'s `send` parameter.
type sendOptions struct {
	method   string
	url      sobek.Value
	body     sobek.Value
	headers  map[string]string
	tags     sobek.Value
	timeout  time.Duration
	expected func(int) bool
}

func parseSendOptions(rt *sobek.Runtime, v sobek.Value, defaultTimeout time.Duration) (*sendOptions, error) {
	s := &sendOptions{method: "POST", timeout: defaultTimeout, expected: statusRange(200, 399)}
	obj := v.ToObject(rt)
	for _, key := range obj.Keys() {
		f := obj.Get(key)
		switch key {
		case "method":
			s.method = strings.ToUpper(f.String())
		case "url":
			s.url = f
		case "body":
			s.body = f
		case "headers":
			if common.IsNullish(f) {
				continue
			}
			h := f.ToObject(rt)
			s.headers = make(map[string]string, len(h.Keys()))
			for _, name := range h.Keys() {
				s.headers[name] = h.Get(name).String()
			}
		case "tags":
			s.tags = f
		case "timeout":
			d, err := types.GetDurationValue(f.Export())
			if err != nil {
				return nil, fmt.Errorf("send: invalid timeout: %w", err)
			}
			s.timeout = d
		case "expectedStatuses":
			var statuses []int
			if err := rt.ExportTo(f, &statuses); err != nil {
				return nil, fmt.Errorf("send.expectedStatuses: expected an array of status codes: %w", err)
			}
			s.expected = statusList(statuses)
		default:
			return nil, fmt.Errorf("unknown send parameter %q", key)
		}
	}
	if s.url == nil || common.IsNullish(s.url) {
		return nil, errors.New("send: a url is required")
	}
	return s, nil
}

// prepareSend builds the question's request in the VU's goroutine (it reads the VU's tags and the JS values);
// it is sent later from another one.
func prepareSend(rt *sobek.Runtime, state *lib.State, s *sendOptions) (*httpext.ParsedHTTPRequest, error) {
	preq, err := prepareRequest(rt, state, s.method, s.url, s.body, &options{
		headers:  s.headers,
		tags:     s.tags,
		timeout:  s.timeout,
		expected: s.expected,
	})
	if err != nil {
		return nil, fmt.Errorf("send: %w", err)
	}
	// prepareRequest asks for an event stream; the question's answer is an ordinary response.
	accept := false
	for name := range s.headers {
		accept = accept || strings.EqualFold(name, "accept")
	}
	if !accept {
		preq.Req.Header.Del("Accept")
	}
	return preq, nil
}

// sendResult is what became of the question.
type sendResult struct {
	status int
	err    error
	resp   *httpext.Response
}

// cycle sends the question once the stream is open and tells the stream's reader when to stop.
type cycle struct {
	// send makes the request; it runs in its own goroutine while the stream is read.
	send func() sendResult
	// accepted says whether the server took the question (a reply will come on the stream).
	accepted func(status int) bool
	// abort closes the stream early (cancels the stream request's context).
	abort func()

	started bool
	sentAt  time.Time
	done    chan struct{}
	result  sendResult
	refused atomic.Bool
}

func newCycle(send func() sendResult, abort func()) *cycle {
	return &cycle{
		send:     send,
		accepted: func(status int) bool { return status >= 200 && status <= 299 },
		abort:    abort,
		done:     make(chan struct{}),
	}
}

// start sends the question; called by the stream's transport when the stream's headers arrived, once.
func (c *cycle) start(at time.Time) {
	if c.started {
		return
	}
	c.started = true
	c.sentAt = at
	go func() {
		defer close(c.done)
		c.result = c.send()
		if c.result.err != nil || !c.accepted(c.result.status) {
			c.refused.Store(true)
			c.abort()
		}
	}()
}

// wait returns once the question's request is over (at once when it was never sent).
func (c *cycle) wait() {
	if c.started {
		<-c.done
	}
}

// answered says whether the stream's tokens are a reply: the question was sent and accepted.
func (c *cycle) answered() bool {
	return c.started && !c.refused.Load()
}

// sendWithK6 sends the question through k6's MakeRequest with the VU's own state, so it is an ordinary HTTP
// request in every metric (http_reqs, http_req_duration, http_req_failed with its status and `name`). k6's
// http.batch makes requests from several goroutines of one VU the same way.
func sendWithK6(ctx context.Context, state *lib.State, preq *httpext.ParsedHTTPRequest) func() sendResult {
	return func() sendResult {
		resp, err := httpext.MakeRequest(ctx, state, preq)
		if err != nil || resp == nil {
			if err == nil {
				err = errors.New("no response")
			}
			return sendResult{err: err}
		}
		return sendResult{status: resp.Status, resp: resp}
	}
}

// renderSend is the `send` field of request()'s result; nil without `send`.
func renderSend(c *cycle) any {
	if c == nil {
		return nil
	}
	out := map[string]any{"sent": c.started, "status": 0, "error": "", "error_code": 0}
	if r := c.result.resp; r != nil {
		out["status"] = r.Status
		out["status_text"] = r.StatusText
		out["headers"] = r.Headers
		out["error"] = r.Error
		out["error_code"] = r.ErrorCode
		out["timings"] = map[string]any{"duration": r.Timings.Duration, "waiting": r.Timings.Waiting}
	} else if c.result.err != nil {
		out["error"] = c.result.err.Error()
	}
	return out
}
