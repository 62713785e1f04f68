package sse

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func collect(chunks ...string) []event {
	var got []event
	p := newParser(func(ev event) { got = append(got, ev) })
	for _, c := range chunks {
		p.feed([]byte(c))
	}
	return got
}

func TestParserFollowsTheEventStreamRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		chunks []string
		want   []event
	}{
		{"one event", []string{"data: hi\n\n"}, []event{{"message", "hi"}}},
		{"split anywhere", []string{"da", "ta: h", "i\n", "\n"}, []event{{"message", "hi"}}},
		{"CRLF split between CR and LF", []string{"data: a\r", "\n\r\n"}, []event{{"message", "a"}}},
		{"CR alone ends lines", []string{"data: a\r\rdata: b\r\r"}, []event{{"message", "a"}, {"message", "b"}}},
		{"data lines join with LF", []string{"data: a\ndata: b\n\n"}, []event{{"message", "a\nb"}}},
		{"event type, comments, id and retry", []string{": ping\nevent: delta\nid: 7\nretry: 10\ndata:x\n\n"},
			[]event{{"delta", "x"}}},
		{"no data, no event", []string{"event: ping\n\n: keep-alive\n\n"}, nil},
		{"empty data is an event", []string{"data:\n\n"}, []event{{"message", ""}}},
		{"a field with no colon", []string{"data\n\n"}, []event{{"message", ""}}},
		{"unfinished at the end is dropped", []string{"data: a\n\ndata: b\n"}, []event{{"message", "a"}}},
		{"only one leading space is stripped", []string{"data:  a\n\n"}, []event{{"message", " a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := collect(tt.chunks...); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

var openAIPath = []pathSegment{
	{key: "choices", isKey: true}, {index: 0}, {key: "delta", isKey: true}, {key: "content", isKey: true},
}

func TestClassify(t *testing.T) {
	t.Parallel()
	openAI := &rules{endData: "[DONE]", tokenPath: openAIPath}
	anthropic := &rules{endEvent: "message_stop"}
	tests := []struct {
		name  string
		rules *rules
		ev    event
		kind  eventKind
		text  string
	}{
		{"end marker", openAI, event{"message", "[DONE]"}, kindEnd, ""},
		{"token", openAI, event{"message", `{"choices":[{"delta":{"content":"Hi"}}]}`}, kindToken, "Hi"},
		{"role-only first chunk", openAI, event{"message", `{"choices":[{"delta":{"role":"assistant","content":""}}]}`}, kindOther, ""},
		{"closing chunk with usage", openAI, event{"message", `{"choices":[{"delta":{},"finish_reason":"stop"}]}`}, kindOther, ""},
		{"not JSON", openAI, event{"message", "hello"}, kindOther, ""},
		{"end event", anthropic, event{"message_stop", "{}"}, kindEnd, ""},
		{"any data is a token without a path", anthropic, event{"content_block_delta", "x"}, kindToken, "x"},
		{"empty data is not", anthropic, event{"message", ""}, kindOther, ""},
		{"negative index", &rules{tokenPath: []pathSegment{{index: -1}}}, event{"message", `["a","b"]`}, kindToken, "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kind, text := tt.rules.classify(tt.ev, nil)
			if kind != tt.kind || text != tt.text {
				t.Errorf("got (%v, %q), want (%v, %q)", kind, text, tt.kind, tt.text)
			}
		})
	}
}

func TestTimelineMeasuresArrivals(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	tl := newTimeline(&rules{endData: "[DONE]", tokenPath: openAIPath}, true)
	tl.begin(200, at(1))
	chunk := func(s string) string { return `data: {"choices":[{"delta":{"content":"` + s + `"}}]}` + "\n\n" }
	tl.feed([]byte(`data: {"choices":[{"delta":{"role":"assistant","content":""}}]}`+"\n\n"), at(2))
	tl.feed([]byte(chunk("Hel")), at(300))
	tl.feed([]byte(chunk("lo")[:10]), at(310)) // half an event: not yet a token
	tl.feed([]byte(chunk("lo")[10:]), at(320))
	tl.feed([]byte(chunk(" you")+"data: [DONE]\n\n"+chunk("late")), at(340))

	if !tl.completed || tl.tokens != 3 || tl.events != 5 {
		t.Fatalf("completed=%v tokens=%d events=%d", tl.completed, tl.tokens, tl.events)
	}
	if got := tl.first.Sub(t0); got != 300*time.Millisecond {
		t.Errorf("first token at %v", got)
	}
	if want := []time.Duration{20 * time.Millisecond, 20 * time.Millisecond}; !reflect.DeepEqual(tl.gaps, want) {
		t.Errorf("gaps %v, want %v", tl.gaps, want)
	}
	if tps, ok := tl.tokensPerSecond(); !ok || tps != 50 {
		t.Errorf("tokens/s %v %v", tps, ok)
	}
	if got := tl.text.String(); got != "Hello you" {
		t.Errorf("text %q", got)
	}

	// A redirect's body is not the stream: the next response starts over.
	tl.begin(200, at(400))
	if tl.tokens != 0 || tl.completed || len(tl.gaps) != 0 || tl.text.Len() != 0 {
		t.Errorf("not reset: %+v", tl)
	}
}

func TestTimelineJoinsWholeEventsByLine(t *testing.T) {
	t.Parallel()
	tl := newTimeline(&rules{endData: "[DONE]"}, true)
	tl.begin(200, time.Unix(0, 0))
	tl.feed([]byte("data: a\n\ndata: b\n\ndata: [DONE]\n\n"), time.Unix(1, 0))
	if got := tl.text.String(); got != "a\nb" || !tl.completed {
		t.Errorf("text %q completed %v", got, tl.completed)
	}
	if _, ok := tl.tokensPerSecond(); ok {
		t.Error("tokens that arrive together have no rate")
	}
}

func TestParsePath(t *testing.T) {
	t.Parallel()
	got, err := parsePath([]any{"choices", int64(0), "delta", float64(1)})
	want := []pathSegment{{key: "choices", isKey: true}, {index: 0}, {key: "delta", isKey: true}, {index: 1}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %v %v", got, err)
	}
	if _, err := parsePath("choices"); err == nil {
		t.Error("a string is not a path")
	}
	if _, err := parsePath([]any{true}); err == nil {
		t.Error("true is not a segment")
	}
}

// sessionServer is a chat gateway of the two-request cycle: GET /events holds a stream open, POST /messages
// answers 202 and the reply's tokens then come on the stream, or answers `refuse` and nothing comes.
type sessionServer struct {
	tokens int
	refuse int
	asked  chan struct{}
	closed chan struct{}
}

func newSessionServer(t *testing.T, tokens, refuse int) (*sessionServer, *httptest.Server) {
	s := &sessionServer{
		tokens: tokens, refuse: refuse,
		asked: make(chan struct{}, 1), closed: make(chan struct{}),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "GET /events":
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			select {
			case <-s.asked:
				for i := 0; i < s.tokens; i++ {
					fmt.Fprintf(w, "data: t%d\n\n", i)
					w.(http.Flusher).Flush()
				}
				// The stream stays open after the end marker, for the session's next question.
				fmt.Fprint(w, "data: [DONE]\n\n")
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
			}
			<-r.Context().Done()
			close(s.closed)
		case "POST /messages":
			if s.refuse != 0 {
				w.WriteHeader(s.refuse)
				return
			}
			s.asked <- struct{}{}
			w.WriteHeader(http.StatusAccepted)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return s, srv
}

// runCycle reads the stream as k6 does for a ResponseTypeNone request: drain the body, then close it.
func runCycle(t *testing.T, url string) (*observingTransport, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	streamCtx, abort := context.WithCancel(ctx)
	defer abort()
	send := func() sendResult {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/messages", strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return sendResult{err: err}
		}
		_ = resp.Body.Close()
		return sendResult{status: resp.StatusCode}
	}
	observer := &observingTransport{
		base:     http.DefaultTransport,
		timeline: newTimeline(&rules{endData: "[DONE]"}, false),
		cycle:    newCycle(send, abort),
	}
	req, _ := http.NewRequestWithContext(streamCtx, http.MethodGet, url+"/events", nil)
	resp, err := (&http.Client{Transport: observer}).Do(req)
	if err != nil {
		return observer, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	observer.cycle.wait()
	return observer, err
}

func waitClosed(t *testing.T, s *sessionServer) {
	t.Helper()
	select {
	case <-s.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the client did not close the stream")
	}
}

func TestCycleSendsOnceOpenReadsTheReplyAndHangsUp(t *testing.T) {
	t.Parallel()
	s, srv := newSessionServer(t, 5, 0)
	observer, err := runCycle(t, srv.URL)
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	waitClosed(t, s)
	tl, c := observer.timeline, observer.cycle
	if !c.started || c.result.status != http.StatusAccepted || !c.answered() {
		t.Fatalf("question: started %v, status %d, answered %v", c.started, c.result.status, c.answered())
	}
	if tl.tokens != 5 || !tl.completed || !observer.answered() {
		t.Fatalf("got %d tokens, completed %v, answered %v; want 5, true, true", tl.tokens, tl.completed, observer.answered())
	}
	// The question left after the stream's headers came, and the first token after the question.
	if c.sentAt.Before(tl.headersAt) || tl.first.Before(c.sentAt) {
		t.Errorf("order: headers %v, sent %v, first token %v", tl.headersAt, c.sentAt, tl.first)
	}
	if !observer.ttftOrigin().Equal(c.sentAt) {
		t.Errorf("ttft counts from %v, want the sending %v", observer.ttftOrigin(), c.sentAt)
	}
}

func TestCycleClosesTheStreamWhenTheQuestionIsRefused(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusNotFound} {
		s, srv := newSessionServer(t, 3, status)
		observer, err := runCycle(t, srv.URL)
		// Closing the stream is the cycle's own doing, not a failed stream.
		if err != nil {
			t.Fatalf("%d: stream: %v", status, err)
		}
		waitClosed(t, s)
		tl, c := observer.timeline, observer.cycle
		if c.result.status != status || c.answered() || observer.answered() {
			t.Errorf("%d: status %d, answered %v", status, c.result.status, c.answered())
		}
		if tl.status != http.StatusOK || tl.tokens != 0 || tl.completed {
			t.Errorf("%d: stream status %d, %d tokens, completed %v", status, tl.status, tl.tokens, tl.completed)
		}
	}
}

func TestCycleSendsNothingWhenTheStreamDoesNotOpen(t *testing.T) {
	t.Parallel()
	_, srv := newSessionServer(t, 3, 0)
	observer, err := runCycle(t, srv.URL+"/nowhere")
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	if observer.cycle.started || observer.timeline.status != http.StatusNotFound || observer.answered() {
		t.Errorf("started %v, stream status %d", observer.cycle.started, observer.timeline.status)
	}
}
