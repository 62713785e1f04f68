package sse

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/sobek"
)

func TestParseSendOptions(t *testing.T) {
	t.Parallel()
	rt := sobek.New()
	s, err := parseSendOptions(rt, rt.ToValue(map[string]any{
		"url": "http://h/m", "body": "{}", "headers": map[string]any{"X": "y"},
	}), 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if s.method != "POST" || s.timeout != 90*time.Second || s.headers["X"] != "y" {
		t.Errorf("defaults: method %q, timeout %v, headers %v", s.method, s.timeout, s.headers)
	}
	if !s.expected(204) || s.expected(429) {
		t.Error("the default expected statuses are 200-399")
	}
	s, err = parseSendOptions(rt, rt.ToValue(map[string]any{
		"url": "http://h/m", "method": "put", "timeout": "5s", "expectedStatuses": []int{202, 429},
	}), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if s.method != "PUT" || s.timeout != 5*time.Second || !s.expected(429) || s.expected(200) {
		t.Errorf("given: method %q, timeout %v", s.method, s.timeout)
	}
	for _, tt := range []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"body": "{}"}, "send: a url is required"},
		{map[string]any{"url": "http://h/m", "retries": 2}, `unknown send parameter "retries"`},
		{map[string]any{"url": "http://h/m", "timeout": "soon"}, "send: invalid timeout"},
	} {
		if _, err := parseSendOptions(rt, rt.ToValue(tt.params), time.Minute); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want %q", tt.params, err, tt.want)
		}
	}
}
