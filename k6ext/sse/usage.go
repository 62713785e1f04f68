package sse

import (
	"encoding/json"
	"strings"
	"time"

	"go.k6.io/k6/metrics"
)

// Where a request's token counts come from, in the order loadctl prefers them: the API's own `usage`, then
// a count of the answer's text by loadctl's tokenizer, then (output only) the number of token events.
const (
	sourceUsage     = "usage"
	sourceTokenizer = "tokenizer"
	sourceEvents    = "events"
)

// usage is what the stream's usage objects said; later objects override earlier ones field by field
// (Anthropic sends input tokens when the message starts and the final output count in its last delta).
type usage struct {
	output, input       int
	hasOutput, hasInput bool
}

// read takes the counts out of one event's JSON: OpenAI's `usage.completion_tokens`/`prompt_tokens`,
// or `usage.output_tokens`/`input_tokens` (also under `message`, as Anthropic's message_start has them).
// It says whether the event carries nothing but usage (OpenAI's last chunk has `choices: []`).
func (u *usage) read(doc map[string]any) (usageOnly bool) {
	obj, ok := doc["usage"].(map[string]any)
	if !ok {
		if msg, isMsg := doc["message"].(map[string]any); isMsg {
			obj, ok = msg["usage"].(map[string]any)
		}
	}
	if !ok {
		return false
	}
	if n, found := firstCount(obj, "completion_tokens", "output_tokens"); found {
		u.output, u.hasOutput = n, true
	}
	if n, found := firstCount(obj, "prompt_tokens", "input_tokens"); found {
		u.input, u.hasInput = n, true
	}
	choices, has := doc["choices"]
	if !has {
		return doc["delta"] == nil && doc["message"] == nil
	}
	list, isList := choices.([]any)
	return isList && len(list) == 0
}

func firstCount(obj map[string]any, keys ...string) (int, bool) {
	for _, key := range keys {
		if f, ok := obj[key].(float64); ok && f >= 0 && f == float64(int(f)) {
			return int(f), true
		}
	}
	return 0, false
}

// mayHoldUsage is a cheap test before parsing an event's JSON only for its usage.
func mayHoldUsage(data string) bool {
	return strings.Contains(data, `"usage"`)
}

// parseObject reads an event's data as a JSON object, nil when it is not one.
func parseObject(data string) map[string]any {
	if data == "" || data[0] != '{' {
		return nil
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(data), &doc); err != nil {
		return nil
	}
	return doc
}

// slo is a stream step's service-level objectives: a request is good when it completed and each one given
// (non-zero) held: measured ≤ objective, as vLLM's `bench serve --goodput` judges it.
type slo struct {
	ttft, tpot, e2e time.Duration
}

func (s *slo) given() bool { return s != nil && (s.ttft > 0 || s.tpot > 0 || s.e2e > 0) }

// figures are one request's LLM serving numbers, with the definitions of vLLM's `bench serve`
// (docs/llm.md): e2e runs from the request's start to the last event of the answer, TPOT spreads the time
// after the first token over the output tokens after the first.
type figures struct {
	ttft, e2e        time.Duration
	hasTTFT, hasTPOT bool
	// tpotMs in milliseconds, unrounded: a duration would round every request's TPOT to the nanosecond.
	tpotMs          float64
	outputPerSecond float64
	hasOutputRate   bool
	counts
}

// counts are a request's token counts and where each came from; inputSource is "" when nothing counted
// the prompt.
type counts struct {
	output, input             int
	outputSource, inputSource string
}

// figuresOf computes a request's figures from its timeline, `origin` being when the wait for the answer
// began, with the token counts already chosen (countTokens).
func figuresOf(t *timeline, origin time.Time, c counts) figures {
	f := figures{counts: c}
	output := c.output
	if t.tokens == 0 || origin.IsZero() {
		return f
	}
	f.ttft, f.hasTTFT = t.first.Sub(origin), true
	f.e2e = t.answerEnd.Sub(origin)
	if output > 1 {
		f.tpotMs, f.hasTPOT = metrics.D(f.e2e-f.ttft)/float64(output-1), true
	}
	if f.e2e > 0 && output > 0 {
		f.outputPerSecond, f.hasOutputRate = float64(output)/f.e2e.Seconds(), true
	}
	return f
}

// good says whether a request met every objective; one that did not complete never does. A TPOT not
// defined (one output token) counts as 0, as vLLM counts it.
func (s *slo) good(f figures, completed bool) bool {
	if !completed || !f.hasTTFT {
		return false
	}
	tpotMs := 0.0
	if f.hasTPOT {
		tpotMs = f.tpotMs
	}
	return (s.ttft <= 0 || f.ttft <= s.ttft) && (s.tpot <= 0 || tpotMs <= metrics.D(s.tpot)) &&
		(s.e2e <= 0 || f.e2e <= s.e2e)
}
