package sse

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// The definitions test (docs/llm.md): stream timings recorded from the demo service (testdata/
// demo-streams.json, recorded by scripts/record-demo-streams.mjs) go through loadctl's computation and
// through a transcription of vLLM's `bench serve` formulas, and must give the same numbers.

type recordedRead struct {
	AtMs float64 `json:"atMs"`
	Data string  `json:"data"`
}

type recordedRequest struct {
	Request   json.RawMessage `json:"request"`
	Status    int             `json:"status"`
	HeadersMs float64         `json:"headersMs"`
	Reads     []recordedRead  `json:"reads"`
}

func loadRecorded(t *testing.T) []recordedRequest {
	t.Helper()
	raw, err := os.ReadFile("testdata/demo-streams.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Requests []recordedRequest `json:"requests"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Requests) == 0 {
		t.Fatal("no recorded requests")
	}
	return doc.Requests
}

// ---- Transcription of the reference: vLLM, vllm/benchmarks/lib/endpoint_request_func.py
// async_request_openai_chat_completions (the streaming loop) and vllm/benchmarks/serve.py calculate_metrics
// (TPOT, goodput). Times in seconds from the request's start, as vLLM keeps them. Not loadctl's code. ----

type vllmOutput struct {
	success       bool
	ttft, latency float64
	itl           []float64
	generatedText string
	outputTokens  int // 0: the stream reported none
	promptLen     int
}

func vllmRequest(reads []recordedRead) vllmOutput {
	var out vllmOutput
	mostRecent := 0.0 // st
	first := false
	var pending string
	for _, r := range reads {
		timestamp := r.AtMs / 1000
		pending += r.Data
		// StreamedResponseHandler: whole messages, split on the blank line.
		parts := strings.Split(pending, "\n\n")
		pending = parts[len(parts)-1]
		for _, message := range parts[:len(parts)-1] {
			message = strings.TrimSpace(message)
			if message == "" || strings.HasPrefix(message, ":") {
				continue
			}
			chunk := strings.TrimPrefix(message, "data: ")
			if chunk == "[DONE]" {
				continue
			}
			var data map[string]any
			if err := json.Unmarshal([]byte(chunk), &data); err != nil {
				continue
			}
			if choices, _ := data["choices"].([]any); len(choices) > 0 {
				delta, _ := choices[0].(map[string]any)["delta"].(map[string]any)
				content, _ := delta["content"].(string)
				if !first {
					first = true
					out.ttft = timestamp
				} else {
					out.itl = append(out.itl, timestamp-mostRecent)
				}
				out.generatedText += content
				mostRecent = timestamp
			} else if usage, ok := data["usage"].(map[string]any); ok {
				out.outputTokens = int(usage["completion_tokens"].(float64))
				if pt, has := usage["prompt_tokens"].(float64); has {
					out.promptLen = int(pt)
				}
			}
		}
	}
	out.success = first
	out.latency = mostRecent
	return out
}

// vllmTPOT is calculate_metrics' TPOT, with its output length: the stream's count, else the tokenizer's
// count of the generated text (vLLM uses the model's tokenizer; this test, the same tokenizer as loadctl's).
func vllmTPOT(o vllmOutput) (outputLen int, tpot float64, defined bool) {
	outputLen = o.outputTokens
	if outputLen == 0 {
		outputLen, _ = countText(o.generatedText)
	}
	if outputLen > 1 {
		return outputLen, (o.latency - o.ttft) / float64(outputLen-1), true
	}
	return outputLen, 0, false
}

// vllmGood is calculate_metrics' goodput test: every SLO value ≥ the request's metric (TPOT 0 when undefined).
func vllmGood(o vllmOutput, tpot float64, sloTTFT, sloTPOT, sloE2E float64) bool {
	return sloTTFT >= o.ttft && sloTPOT >= tpot && sloE2E >= o.latency
}

// ---- end of the transcription ----

func loadctlFigures(t *testing.T, r recordedRequest) (*timeline, figures) {
	t.Helper()
	st := time.Unix(1_000_000, 0)
	at := func(ms float64) time.Time { return st.Add(time.Duration(math.Round(ms * 1e6))) }
	tl := newTimeline(&rules{endData: "[DONE]", tokenPath: openAIPath, readUsage: true}, false)
	tl.begin(r.Status, at(r.HeadersMs))
	for _, read := range r.Reads {
		tl.feed([]byte(read.Data), at(read.AtMs))
	}
	return tl, figuresOf(tl, st, countTokens(tl, string(r.Request)))
}

// near compares milliseconds: the recording's times are rounded to the nanosecond on loadctl's side.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestDefinitionsMatchVLLMBenchServe(t *testing.T) {
	t.Parallel()
	requests := loadRecorded(t)
	var tpots []float64
	type pair struct {
		f   figures
		ref vllmOutput
		tp  float64
	}
	var pairs []pair
	for i, r := range requests {
		tl, f := loadctlFigures(t, r)
		ref := vllmRequest(r.Reads)
		if !ref.success || !tl.completed {
			t.Fatalf("request %d: the recording is not a complete stream", i)
		}
		outputLen, tpot, defined := vllmTPOT(ref)
		if f.output != outputLen {
			t.Errorf("request %d: output tokens %d (%s), vLLM %d", i, f.output, f.outputSource, outputLen)
		}
		if !near(metricsMs(f.ttft), ref.ttft*1000) {
			t.Errorf("request %d: ttft %v, vLLM %v ms", i, metricsMs(f.ttft), ref.ttft*1000)
		}
		if !near(metricsMs(f.e2e), ref.latency*1000) {
			t.Errorf("request %d: e2e %v, vLLM %v ms", i, metricsMs(f.e2e), ref.latency*1000)
		}
		if f.hasTPOT != defined || !near(f.tpotMs, tpot*1000) {
			t.Errorf("request %d: tpot %v (%v), vLLM %v (%v)", i, f.tpotMs, f.hasTPOT, tpot*1000, defined)
		}
		if ref.promptLen > 0 && (f.input != ref.promptLen || f.inputSource != sourceUsage) {
			t.Errorf("request %d: input %d (%s), vLLM %d", i, f.input, f.inputSource, ref.promptLen)
		}
		// ITL: vLLM takes a gap before every chunk with choices after the first, the closing chunk (empty
		// delta, finish_reason) too; loadctl only between token events. The demo writes the closing chunk
		// with the last token, so vLLM's list is loadctl's plus that one zero gap (docs/llm.md).
		want := make([]float64, 0, len(tl.gaps)+1)
		for _, g := range tl.gaps {
			want = append(want, metricsMs(g))
		}
		want = append(want, 0)
		got := make([]float64, len(ref.itl))
		for j, g := range ref.itl {
			got[j] = g * 1000
		}
		if len(got) != len(want) {
			t.Fatalf("request %d: vLLM itl %v, loadctl's gaps + closing chunk %v", i, got, want)
		}
		for j := range got {
			if !near(got[j], want[j]) {
				t.Errorf("request %d: itl[%d] vLLM %v, loadctl %v", i, j, got[j], want[j])
			}
		}
		if defined {
			tpots = append(tpots, tpot*1000)
		}
		pairs = append(pairs, pair{f, ref, tpot})
	}
	// Goodput with SLOs that split the requests: every SLO at a recorded value, so ≤ and < would differ.
	sort.Float64s(tpots)
	ttftSLO := pairs[0].ref.ttft
	tpotSLO := tpots[len(tpots)/2] / 1000
	e2eSLO := pairs[len(pairs)-1].ref.latency
	goal := &slo{
		ttft: time.Duration(math.Round(ttftSLO * 1e9)),
		tpot: time.Duration(math.Round(tpotSLO * 1e9)),
		e2e:  time.Duration(math.Round(e2eSLO * 1e9)),
	}
	var good, refGood []bool
	for _, p := range pairs {
		good = append(good, goal.good(p.f, true))
		refGood = append(refGood, vllmGood(p.ref, p.tp, ttftSLO, tpotSLO, e2eSLO))
	}
	if !reflect.DeepEqual(good, refGood) {
		t.Errorf("goodput per request %v, vLLM %v", good, refGood)
	}
	if !containsBool(good, true) || !containsBool(good, false) {
		t.Errorf("the SLOs should split the recorded requests: %v", good)
	}
	sources := map[string]bool{}
	for _, p := range pairs {
		sources[p.f.outputSource] = true
	}
	if !sources[sourceUsage] || !sources[sourceTokenizer] {
		t.Errorf("the recording should have streams with and without usage: %v", sources)
	}
}

func containsBool(list []bool, v bool) bool {
	for _, b := range list {
		if b == v {
			return true
		}
	}
	return false
}

func metricsMs(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
