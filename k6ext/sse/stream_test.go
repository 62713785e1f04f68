package sse

import (
	"reflect"
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
			kind, text := tt.rules.classify(tt.ev)
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
