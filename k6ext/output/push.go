package output

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/sirupsen/logrus"
)

const (
	// requestTimeout bounds one POST, so a collector that hangs costs a flush at most this.
	requestTimeout = 5 * time.Second
	// maxQueueAge and maxQueueBytes bound the frames kept while the collector cannot be reached: past either,
	// the output gives up as after a failed file write.
	maxQueueAge   = time.Minute
	maxQueueBytes = 64 << 20
	// finishBudget is how long Stop keeps trying to deliver the last frames, retryPause its pause between tries.
	finishBudget = 10 * time.Second
	retryPause   = 250 * time.Millisecond
	// bodyExcerpt is how much of a refusal's body is logged.
	bodyExcerpt = 200
)

// pusher is the destination `http://…`: an io.WriteCloser whose Write queues a frame line and whose send POSTs
// every queued line at once. Only the flushing goroutine, then Stop after it has ended, call it, so at most one
// POST is in flight and frames arrive in the order they were written.
type pusher struct {
	url      string
	instance string
	client   *http.Client
	logger   logrus.FieldLogger
	// now stamps X-Loadctl-Clock and the queue's age; the retry schedule follows it too, so tests drive it.
	now func() time.Time
	// retryAfter is how long after a failed POST the next is tried: one period.
	retryAfter time.Duration
	// stopRun is k6's SetTestRunStopCallback; nil when k6 gave none.
	stopRun func(error)

	queue     []byte    // frame lines not yet accepted, in order, each ending in "\n"
	frames    int       // lines in queue
	oldest    time.Time // when the first line in queue was queued
	notBefore time.Time // no POST before this, after a failure
	lastErr   error     // why the last POST failed
	gaveUp    bool
	stopAsked bool

	// Replaced by tests, to keep a failing Stop short.
	budget, pause time.Duration
}

func newPusher(url, instance string, period time.Duration, logger logrus.FieldLogger, now func() time.Time) *pusher {
	return &pusher{
		url: url, instance: instance, logger: logger, now: now, retryAfter: period,
		client: &http.Client{
			Timeout: requestTimeout,
			// A redirect would turn the POST into a GET or send the frames somewhere else: it is an answer of
			// its own, a refusal (send).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		budget: finishBudget, pause: retryPause,
	}
}

// Write queues one frame line. It fails, for good, once the queue holds more than maxQueueBytes.
func (p *pusher) Write(line []byte) (int, error) {
	if p.gaveUp {
		return 0, errors.New("gave up on the collector already")
	}
	if len(p.queue)+len(line) > maxQueueBytes {
		p.gaveUp = true
		return 0, fmt.Errorf("%d frames (%d bytes) wait for the collector at %s, the most kept (%d MiB): giving up; last failure: %v",
			p.frames, len(p.queue), p.url, maxQueueBytes>>20, p.lastErr)
	}
	if p.frames == 0 {
		p.oldest = p.now()
	}
	p.queue = append(p.queue, line...)
	p.frames++
	return len(line), nil
}

// errRefused is a refusal by the collector (a status other than 2xx, 429 and 5xx): retrying cannot help.
type errRefused struct{ err error }

func (e errRefused) Error() string { return e.err.Error() }

// send POSTs the queued frames once, unless the last try failed less than retryAfter ago. A failure that a
// retry may cure leaves them queued; it returns an error only when the output must give up: a refusal, or
// frames queued for more than maxQueueAge.
func (p *pusher) send() error {
	if p.gaveUp || p.frames == 0 || p.now().Before(p.notBefore) {
		return nil
	}
	err := p.post(context.Background(), requestTimeout)
	if err == nil {
		return nil
	}
	var refused errRefused
	if errors.As(err, &refused) {
		p.gaveUp = true
		return err
	}
	p.lastErr = err
	now := p.now()
	if age := now.Sub(p.oldest); age > maxQueueAge {
		p.gaveUp = true
		return fmt.Errorf("the collector at %s has taken no frame for %s (%d frames wait, the most kept is %s' worth): giving up; last failure: %w",
			p.url, age.Round(time.Second), p.frames, maxQueueAge, err)
	}
	p.notBefore = now.Add(p.retryAfter)
	p.logger.WithError(err).Warnf("%d frames stay queued for the collector, retried in %s", p.frames, p.retryAfter)
	return nil
}

// Close is Stop's: it delivers what is queued, the final frame included, trying again for up to budget.
func (p *pusher) Close() error {
	// The test run is over: a stop answer now would only turn its end into an abort.
	p.stopRun = nil
	if p.gaveUp || p.frames == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.budget)
	defer cancel()
	var last error
	for {
		err := p.post(ctx, requestTimeout)
		if err == nil {
			return nil
		}
		var refused errRefused
		if errors.As(err, &refused) {
			return err
		}
		// A request cut short by the budget's end tells less than the failure before it.
		if last == nil || ctx.Err() == nil {
			last = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the last %d frames, the final one among them, did not reach the collector at %s within %s: %w",
				p.frames, p.url, p.budget, last)
		case <-time.After(p.pause):
		}
	}
}

// post sends the queue in one request and empties it when the collector accepts it (2xx). A 2xx body
// {"stop":"<reason>"} asks k6 to stop the test run, once; the frames that follow are still sent.
func (p *pusher) post(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(p.queue))
	if err != nil {
		return errRefused{err}
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("X-Loadctl-Instance", p.instance)
	req.Header.Set("X-Loadctl-Clock", strconv.FormatInt(p.now().UnixMilli(), 10))
	res, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	// Enough for a stop answer or an excerpt; the rest is not read.
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		// Accepted once the status is read, whatever becomes of the body.
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return fmt.Errorf("the collector at %s answered %s", p.url, res.Status)
	default:
		if err != nil {
			body = nil
		}
		return errRefused{fmt.Errorf("the collector at %s refused the frames: %s %s", p.url, res.Status, excerpt(body))}
	}
	p.queue = p.queue[:0]
	if cap(p.queue) > 1<<20 {
		// What a long outage queued is not kept for the next one.
		p.queue = nil
	}
	p.frames = 0
	p.notBefore = time.Time{}
	var answer struct {
		Stop *string `json:"stop"`
	}
	if p.stopRun != nil && !p.stopAsked && json.Unmarshal(body, &answer) == nil && answer.Stop != nil {
		p.stopAsked = true
		p.stopRun(fmt.Errorf("stopped by the loadctl collector: %s", *answer.Stop))
	}
	return nil
}

// excerpt is the start of a body, quoted with non-printable characters escaped, for a log line.
func excerpt(body []byte) string {
	cut := ""
	if len(body) > bodyExcerpt {
		body, cut = body[:bodyExcerpt], "…"
	}
	return strconv.Quote(string(body)) + cut
}
