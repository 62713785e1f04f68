// loadctl's own k6 extension (k6ext/sse in this repository), compiled into the k6 that `npm run setup:k6`
// builds. Keep these types in step with k6ext/sse/module.go.
declare module 'k6/x/loadctl-sse' {
  export interface StreamParams {
    headers?: Record<string, string>;
    /** Tags of every sample of this request, the stream metrics included (`name` names the endpoint). */
    tags?: Record<string, string>;
    /** A k6 duration ("90s") or milliseconds; default 60 s, for the whole stream. */
    timeout?: string | number;
    /** Statuses that are not failed requests (http_req_failed); absent: 200–399. */
    expectedStatuses?: number[];
    /** Redirects to follow; absent: the `maxRedirects` option. */
    redirects?: number;
    /** The data of the event that ends a complete stream; default "[DONE]". */
    endData?: string;
    /** An `event:` type that ends a complete stream. */
    endEvent?: string;
    /** Where the token text is in each event's JSON data: keys and array indices. */
    tokenPath?: Array<string | number>;
    /** Return the tokens' text as `body` (otherwise null). */
    keepText?: boolean;
    /** Read token counts from the events' `usage` objects; default true. */
    usage?: boolean;
    /** Objectives (k6 durations or milliseconds): each request then adds a `goodput` sample. */
    slo?: { ttft?: string | number; tpot?: string | number; e2e?: string | number };
    /**
     * A second request, sent once the stream's headers are in: the question of a session-style chat whose
     * reply comes on this stream. ttft then counts from it; a refusal (not 2xx) closes the stream.
     */
    send?: SendParams;
  }

  export interface SendParams {
    method: string;
    url: string;
    body: string | null;
    headers?: Record<string, string>;
    /** Its own tags: `name` names it in http_reqs, http_req_duration and http_req_failed. */
    tags?: Record<string, string>;
    /** Default: the stream's timeout. */
    timeout?: string | number;
    expectedStatuses?: number[];
  }

  /** What became of `send`'s request. */
  export interface SendFacts {
    /** False when the stream did not open (no 2xx), so nothing was sent. */
    sent: boolean;
    /** 0 when it was not sent or got no response. */
    status: number;
    status_text?: string;
    headers?: Record<string, string>;
    error: string;
    error_code: number;
    timings?: { duration: number; waiting: number };
  }

  export interface StreamFacts {
    /** The status of the response that streamed (k6's `status` is 0 when the stream broke off). */
    status: number;
    events: number;
    tokens: number;
    /** The end marker arrived. */
    completed: boolean;
    /** Milliseconds from the request's start (connecting included) to the response headers. */
    ttfbHeaders: number | null;
    /** Milliseconds from the request's start (with `send`: from sending it) to the first token event. */
    ttft: number | null;
    interTokenMs: number[];
    tokensPerSecond: number | null;
    /** Milliseconds from the same origin as ttft to the answer's last event (not the end marker or usage). */
    e2e: number | null;
    /** (e2e − ttft) / (outputTokens − 1) in milliseconds; null for fewer than two output tokens. */
    tpot: number | null;
    outputTokens: number;
    /** Where outputTokens came from: "usage", "tokenizer" or "events"; "" when the stream gave no answer. */
    outputSource: string;
    inputTokens: number | null;
    /** "usage", "tokenizer", or "" when nothing counted the prompt. */
    inputSource: string;
  }

  /** Shaped like a k6/http Response where loadctl reads one, plus `stream`. */
  export interface StreamResponse {
    url: string;
    status: number;
    status_text: string;
    proto: string;
    headers: Record<string, string>;
    cookies: Record<string, Array<{ name: string; value: string }>>;
    /** The tokens' text with `keepText`, else null. */
    body: string | null;
    error: string;
    error_code: number;
    timings: {
      duration: number;
      blocked: number;
      connecting: number;
      tls_handshaking: number;
      sending: number;
      waiting: number;
      receiving: number;
    };
    stream: StreamFacts;
    /** With `send`, what became of it; otherwise null. */
    send: SendFacts | null;
  }

  export function request(
    method: string,
    url: string,
    body: string | null,
    params?: StreamParams,
  ): StreamResponse;

  /** The extension's source stamp, set when k6 was built. */
  export const version: string;
}
