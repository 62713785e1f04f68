package sse

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/sobek"
)

func TestUsageReadsOpenAIAndAnthropicCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		data      []string
		want      usage
		usageOnly bool
	}{
		{"OpenAI's last chunk", []string{`{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":12}}`},
			usage{output: 12, input: 7, hasOutput: true, hasInput: true}, true},
		{"usage null on a token chunk", []string{`{"choices":[{"delta":{"content":"a"}}],"usage":null}`}, usage{}, false},
		{"a finish chunk that carries usage", []string{`{"choices":[{"delta":{},"finish_reason":"stop"}],"usage":{"completion_tokens":3}}`},
			usage{output: 3, hasOutput: true}, false},
		{"Anthropic: input at the start, output at the end", []string{
			`{"type":"message_start","message":{"usage":{"input_tokens":25,"output_tokens":1}}}`,
			`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}`,
		}, usage{output: 15, input: 25, hasOutput: true, hasInput: true}, false},
		{"not a count", []string{`{"usage":{"completion_tokens":"many","prompt_tokens":-1}}`}, usage{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var u usage
			only := false
			for _, d := range tt.data {
				only = u.read(parseObject(d))
			}
			if u != tt.want || only != tt.usageOnly {
				t.Errorf("got %+v usageOnly=%v, want %+v %v", u, only, tt.want, tt.usageOnly)
			}
		})
	}
}

func TestFiguresAndGoodput(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	chunk := func(s string) string { return `data: {"choices":[{"delta":{"content":"` + s + `"}}]}` + "\n\n" }
	tl := newTimeline(&rules{endData: "[DONE]", tokenPath: openAIPath, readUsage: true}, false)
	tl.begin(200, at(5))
	tl.feed([]byte(chunk("a")), at(200))
	tl.feed([]byte(chunk("b")), at(250))
	tl.feed([]byte(chunk("c")+`data: {"choices":[{"delta":{},"finish_reason":"stop"}]}`+"\n\n"), at(300))
	// The usage chunk and [DONE] come later: neither is part of the answer's time.
	tl.feed([]byte(`data: {"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":5}}`+"\n\ndata: [DONE]\n\n"), at(900))

	f := figuresOf(tl, t0, countTokens(tl, ""))
	if f.ttft != 200*time.Millisecond || f.e2e != 300*time.Millisecond {
		t.Fatalf("ttft %v e2e %v", f.ttft, f.e2e)
	}
	// TPOT counts the server's 5 output tokens, not the 3 events: (300 − 200) / (5 − 1).
	if !f.hasTPOT || f.tpotMs != 25 || f.output != 5 || f.outputSource != sourceUsage || f.input != 4 {
		t.Errorf("figures %+v", f)
	}
	if !f.hasOutputRate || f.outputPerSecond != 5/0.3 {
		t.Errorf("output tokens/s %v", f.outputPerSecond)
	}
	tests := []struct {
		name      string
		goal      slo
		completed bool
		want      bool
	}{
		{"every SLO met, at the limit", slo{ttft: 200 * time.Millisecond, tpot: 25 * time.Millisecond, e2e: time.Second}, true, true},
		{"TTFT missed", slo{ttft: 199 * time.Millisecond}, true, false},
		{"TPOT missed", slo{tpot: 24 * time.Millisecond}, true, false},
		{"E2E missed", slo{e2e: 299 * time.Millisecond}, true, false},
		{"an incomplete stream is never good", slo{ttft: time.Minute}, false, false},
	}
	for _, tt := range tests {
		if got := tt.goal.good(f, tt.completed); got != tt.want {
			t.Errorf("%s: good=%v", tt.name, got)
		}
	}
	if (&slo{}).given() || (*slo)(nil).given() {
		t.Error("an empty SLO adds no goodput")
	}
}

func TestCountsFallBackToTheTokenizerThenEvents(t *testing.T) {
	t.Parallel()
	withPath := newTimeline(&rules{endData: "[DONE]", tokenPath: openAIPath, readUsage: true}, false)
	withPath.begin(200, time.Unix(0, 0))
	withPath.feed([]byte(`data: {"choices":[{"delta":{"content":"Hello"}}]}`+"\n\n"+
		`data: {"choices":[{"delta":{"content":" world, again"}}]}`+"\n\n"), time.Unix(1, 0))
	body := `{"messages":[{"role":"user","content":"Say hello"},{"role":"user","content":[{"type":"text","text":" twice"}]}]}`
	c := countTokens(withPath, body)
	want, _ := countText("Hello world, again")
	prompt, _ := countText("Say hello twice")
	if c.outputSource != sourceTokenizer || c.output != want || c.inputSource != sourceTokenizer || c.input != prompt {
		t.Errorf("tokenizer counts %+v, want output %d input %d", c, want, prompt)
	}
	// Without a token path the events' data is not the model's text: their number is the count.
	raw := newTimeline(&rules{endData: "[DONE]"}, false)
	raw.begin(200, time.Unix(0, 0))
	raw.feed([]byte("data: a b c\n\ndata: d\n\n"), time.Unix(1, 0))
	if c := countTokens(raw, "not json"); c.outputSource != sourceEvents || c.output != 2 || c.inputSource != "" {
		t.Errorf("events counts %+v", c)
	}
}

func TestParseOptionsUsageAndSLO(t *testing.T) {
	t.Parallel()
	rt := sobek.New()
	o, err := parseOptions(rt, rt.ToValue(map[string]any{}))
	if err != nil || !o.rules.readUsage || o.slo.given() {
		t.Fatalf("defaults: usage %v, slo %+v, err %v", o.rules.readUsage, o.slo, err)
	}
	o, err = parseOptions(rt, rt.ToValue(map[string]any{
		"usage": false, "slo": map[string]any{"ttft": "2s", "tpot": 50, "e2e": "1m"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := slo{ttft: 2 * time.Second, tpot: 50 * time.Millisecond, e2e: time.Minute}
	if o.rules.readUsage || o.slo == nil || *o.slo != want {
		t.Errorf("usage %v, slo %+v", o.rules.readUsage, o.slo)
	}
	for _, tt := range []struct {
		slo  map[string]any
		want string
	}{
		{map[string]any{"itl": "1s"}, `unknown slo "itl"`},
		{map[string]any{"ttft": "0s"}, "slo.ttft: expected a positive duration"},
		{map[string]any{"tpot": "soon"}, "slo.tpot: expected a positive duration"},
	} {
		_, err := parseOptions(rt, rt.ToValue(map[string]any{"slo": tt.slo}))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want %q", tt.slo, err, tt.want)
		}
	}
}
