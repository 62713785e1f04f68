package sse

import (
	"sync"

	"github.com/tiktoken-go/tokenizer"
)

// tokenizerEncoding counts tokens when a server reports no usage: OpenAI's o200k_base (GPT-4o and later),
// embedded in the binary, so counting needs no download. Another model's tokenizer counts differently; the
// summary names the source of every count, so such a figure is never taken for the server's.
const tokenizerEncoding = tokenizer.O200kBase

var loadCodec = sync.OnceValues(func() (tokenizer.Codec, error) {
	// Loading the encoding builds its tables once per k6 process, on the first stream without usage.
	return tokenizer.Get(tokenizerEncoding)
})

// countText is the number of tokens in text by the embedded tokenizer; false when it cannot count.
func countText(text string) (int, bool) {
	codec, err := loadCodec()
	if err != nil {
		return 0, false
	}
	ids, _, err := codec.Encode(text)
	if err != nil {
		return 0, false
	}
	return len(ids), true
}

// promptText is the text of an OpenAI-style request body's prompt: its messages' contents (strings, or the
// text of content parts), or `prompt` / `input` as a string. False when the body is not such a request.
func promptText(body string) (string, bool) {
	doc := parseObject(body)
	if doc == nil {
		return "", false
	}
	if messages, ok := doc["messages"].([]any); ok {
		var text []byte
		for _, m := range messages {
			msg, isObj := m.(map[string]any)
			if !isObj {
				continue
			}
			switch content := msg["content"].(type) {
			case string:
				text = append(text, content...)
			case []any:
				for _, part := range content {
					if p, isPart := part.(map[string]any); isPart {
						if s, isText := p["text"].(string); isText {
							text = append(text, s...)
						}
					}
				}
			}
		}
		return string(text), true
	}
	for _, key := range []string{"prompt", "input"} {
		if s, ok := doc[key].(string); ok {
			return s, true
		}
	}
	return "", false
}

// countTokens chooses each count's source: the stream's usage, else the tokenizer over the answer's text
// (with a token path, the text is the model's own) or the prompt, else, for the output, the token events.
func countTokens(t *timeline, body string) counts {
	c := counts{output: t.tokens, outputSource: sourceEvents}
	if t.usage.hasOutput {
		c.output, c.outputSource = t.usage.output, sourceUsage
	} else if t.rules.tokenPath != nil {
		if n, ok := countText(t.answer.String()); ok {
			c.output, c.outputSource = n, sourceTokenizer
		}
	}
	if t.usage.hasInput {
		c.input, c.inputSource = t.usage.input, sourceUsage
	} else if prompt, ok := promptText(body); ok {
		if n, counted := countText(prompt); counted {
			c.input, c.inputSource = n, sourceTokenizer
		}
	}
	return c
}
