package sse

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// event is one dispatched server-sent event.
type event struct {
	// typ is the `event:` field, "message" when the server sent none.
	typ  string
	data string
}

// parser splits a byte stream into events by the WHATWG EventSource rules: lines end with CRLF, LF or CR;
// `data:` lines of one event are joined with "\n"; a blank line dispatches the event; lines starting with ":"
// are comments (keep-alives). Bytes arrive in whatever pieces the network delivers, so a line or an event may
// span several feeds. An event not finished by a blank line when the stream ends is dropped, as a browser does.
type parser struct {
	line      []byte
	pendingCR bool
	data      []byte
	hasData   bool
	typ       string
	onEvent   func(event)
}

func newParser(onEvent func(event)) *parser {
	return &parser{onEvent: onEvent}
}

func (p *parser) feed(b []byte) {
	for len(b) > 0 {
		if p.pendingCR {
			// A CR ended the last line; an LF right after it belongs to the same line ending.
			p.pendingCR = false
			if b[0] == '\n' {
				b = b[1:]
				continue
			}
		}
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			p.line = append(p.line, b...)
			return
		}
		p.line = append(p.line, b[:i]...)
		p.pendingCR = b[i] == '\r'
		b = b[i+1:]
		p.processLine(p.line)
		p.line = p.line[:0]
	}
}

func (p *parser) processLine(line []byte) {
	if len(line) == 0 {
		if p.hasData {
			typ := p.typ
			if typ == "" {
				typ = "message"
			}
			p.onEvent(event{typ: typ, data: string(p.data)})
		}
		p.data = p.data[:0]
		p.hasData = false
		p.typ = ""
		return
	}
	if line[0] == ':' {
		return
	}
	field, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		field, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(field) {
	case "data":
		if p.hasData {
			p.data = append(p.data, '\n')
		}
		p.data = append(p.data, value...)
		p.hasData = true
	case "event":
		p.typ = string(value)
	}
	// `id` and `retry` steer a browser's reconnection, which a load test does not do.
}

// pathSegment is one step of a JSON path: an object key or an array index.
type pathSegment struct {
	key   string
	index int
	isKey bool
}

// rules decide what an event means for the measurement.
type rules struct {
	// endData is the data of the event that marks a complete stream ("[DONE]" for OpenAI-style APIs).
	endData string
	// endEvent is an event type that marks a complete stream (e.g. "message_stop"); "" for none.
	endEvent string
	// tokenPath, when set, picks the token text out of each event's JSON data; events where it does not
	// yield a non-empty string (a role-only first chunk, the closing chunk with usage) are not tokens.
	tokenPath []pathSegment
	// readUsage reads token counts from the events' `usage` objects (usage.go).
	readUsage bool
}

type eventKind int

const (
	kindOther eventKind = iota
	kindToken
	kindEnd
)

// classify says whether an event ends the stream, is a token (with its text) or neither. doc is the event's
// data read as JSON, nil when it is not JSON or nothing needed it parsed.
func (r *rules) classify(ev event, doc map[string]any) (eventKind, string) {
	if (r.endData != "" && ev.data == r.endData) || (r.endEvent != "" && ev.typ == r.endEvent) {
		return kindEnd, ""
	}
	if r.tokenPath == nil {
		if ev.data == "" {
			return kindOther, ""
		}
		return kindToken, ev.data
	}
	var node any
	if doc != nil {
		node = doc
	} else if err := json.Unmarshal([]byte(ev.data), &node); err != nil {
		return kindOther, ""
	}
	text, ok := walk(node, r.tokenPath).(string)
	if !ok || text == "" {
		return kindOther, ""
	}
	return kindToken, text
}

// parse reads an event's JSON once for both its token and its usage; nil when neither needs it.
func (r *rules) parse(ev event) map[string]any {
	if r.tokenPath == nil && !(r.readUsage && mayHoldUsage(ev.data)) {
		return nil
	}
	return parseObject(ev.data)
}

func walk(node any, path []pathSegment) any {
	for _, seg := range path {
		switch v := node.(type) {
		case map[string]any:
			if !seg.isKey {
				return nil
			}
			node = v[seg.key]
		case []any:
			i := seg.index
			if i < 0 {
				// From the end, as loadctl's JSON paths read $.items[-1].
				i += len(v)
			}
			if seg.isKey || i < 0 || i >= len(v) {
				return nil
			}
			node = v[i]
		default:
			return nil
		}
	}
	return node
}

// timeline is what one streamed response did, in arrival times. It is fed by the response body as bytes
// arrive; nothing here blocks or reads a clock.
type timeline struct {
	rules    *rules
	keepText bool
	parser   *parser
	now      time.Time // arrival time of the bytes being parsed

	// status of the response whose body this is (the last one, after redirects).
	status    int
	headersAt time.Time
	events    int
	tokens    int
	first     time.Time
	last      time.Time
	gaps      []time.Duration
	completed bool
	text      strings.Builder
	// answerEnd is the arrival of the answer's last event: not the end marker, not a chunk of usage alone.
	answerEnd time.Time
	usage     usage
	// answer is the tokens' text kept for the tokenizer when the stream's usage did not count them.
	answer strings.Builder
}

func newTimeline(r *rules, keepText bool) *timeline {
	t := &timeline{rules: r, keepText: keepText}
	t.parser = newParser(t.onEvent)
	return t
}

// begin starts over for a response whose headers arrived at `at` (a redirect's body is not the stream).
func (t *timeline) begin(status int, at time.Time) {
	*t = timeline{rules: t.rules, keepText: t.keepText, status: status, headersAt: at, gaps: t.gaps[:0]}
	t.parser = newParser(t.onEvent)
}

func (t *timeline) feed(b []byte, at time.Time) {
	t.now = at
	t.parser.feed(b)
}

func (t *timeline) onEvent(ev event) {
	if t.completed {
		// Anything after the end marker is not part of the answer.
		return
	}
	t.events++
	doc := t.rules.parse(ev)
	usageOnly := t.rules.readUsage && doc != nil && t.usage.read(doc)
	kind, text := t.rules.classify(ev, doc)
	if kind != kindEnd && !usageOnly && t.tokens > 0 || kind == kindToken {
		t.answerEnd = t.now
	}
	switch kind {
	case kindEnd:
		t.completed = true
	case kindToken:
		if t.rules.tokenPath != nil {
			t.answer.WriteString(text)
		}
		if t.tokens == 0 {
			t.first = t.now
		} else {
			t.gaps = append(t.gaps, t.now.Sub(t.last))
		}
		if t.keepText {
			if t.rules.tokenPath == nil && t.tokens > 0 {
				// Whole event data, one event per line: line-anchored patterns still work on the text.
				t.text.WriteByte('\n')
			}
			t.text.WriteString(text)
		}
		t.last = t.now
		t.tokens++
	case kindOther:
	}
}

// tokensPerSecond is the generation speed once tokens flow: tokens after the first over the time between the
// first and the last. Time to first token is its own metric, so it is not folded in here.
func (t *timeline) tokensPerSecond() (float64, bool) {
	span := t.last.Sub(t.first)
	if t.tokens < 2 || span <= 0 {
		return 0, false
	}
	return float64(t.tokens-1) / span.Seconds(), true
}
