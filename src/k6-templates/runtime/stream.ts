// Steps with `stream:` go through loadctl's own k6 extension, k6/x/loadctl-sse (k6ext/ in this repository,
// built into .tools/bin/k6 by `npm run setup:k6`), which reads the response as server-sent events while it
// arrives. Only a plan with such steps loads it, so every other plan still runs on a stock k6.
// Nothing here imports k6: vitest runs the pure parts under Node.
import type { SendParams, StreamParams, StreamResponse, request as streamRequest } from 'k6/x/loadctl-sse';
import type { HttpStep, ScriptPlan } from './model.js';
import { forEachStep, planFlows } from './plan-data.js';
import { hasHeader, mergeHeaders, type BuiltRequest } from './requests.js';
import { setOwn } from './values.js';

// The CommonJS bundle's own require, resolved by k6 when it runs; @types/k6 does not declare it. An `import`
// would make every script need the extension.
declare const require: (id: string) => unknown;

export const STREAM_MODULE = 'k6/x/loadctl-sse';

export interface StreamModule {
  request: typeof streamRequest;
}

/** Call in the init context only: k6 allows require() there alone. */
export function loadStreamModule(): StreamModule {
  // A k6 without the extension does not throw here: it hands back an empty placeholder and fails the
  // init context afterwards with a generic "unknown modules" error. This says what to do instead.
  const loaded = require('k6/x/loadctl-sse') as Partial<StreamModule> | undefined;
  if (typeof loaded?.request !== 'function') {
    throw new Error(
      `loadctl: this plan has steps with \`stream:\`, which need loadctl's streaming extension ` +
        `(${STREAM_MODULE}), and this k6 does not have it. Run \`npm run setup:k6\` to build it into ` +
        '.tools/bin/k6 (`loadctl doctor` shows which k6 is used).',
    );
  }
  return loaded as StreamModule;
}

/** Whether any step reads a stream: only then does the script load the extension. */
export function planHasStreams(plan: ScriptPlan): boolean {
  let found = false;
  for (const [, flow] of planFlows(plan)) {
    forEachStep(flow.steps, (step) => {
      if (step.kind === 'http' && step.stream !== undefined) found = true;
    });
  }
  return found;
}

/** What a step's streaming request needs besides its headers (the extension's params), built once. */
export function streamParams(step: HttpStep): StreamParams | undefined {
  const read = step.stream;
  if (read === undefined) return undefined;
  const params: StreamParams = {
    tags: { name: step.name, ...step.tags },
    endData: read.done,
    // The tokens' text is what checks and extractors read; when none does, nothing is kept.
    keepText: step.needsBody,
  };
  if (read.doneEvent !== undefined) params.endEvent = read.doneEvent;
  if (!read.usage) params.usage = false;
  if (read.slo !== undefined) params.slo = read.slo;
  if (read.token !== undefined) {
    // compile.ts refuses [*] in a token path.
    params.tokenPath = read.token.map((segment) =>
      'key' in segment ? segment.key : 'index' in segment ? segment.index : '',
    );
  }
  if (step.expect !== undefined) params.expectedStatuses = step.expect;
  if (step.timeout !== undefined) params.timeout = step.timeout;
  return params;
}

/** A request's body as the extension takes it: text, a form encoded as k6/http would. */
export function textRequest(request: BuiltRequest): { body: string | null; headers: Record<string, string> } {
  const body = request.body;
  if (body === null || typeof body !== 'object') return { body, headers: request.headers };
  let headers = request.headers;
  if (!hasHeader(headers, 'content-type')) {
    headers = mergeHeaders([Object.keys(headers).map((k): [string, string] => [k, headers[k] ?? ''])]);
    setOwn(headers, 'Content-Type', 'application/x-www-form-urlencoded');
  }
  return { body: encodeForm(body), headers };
}

/** The extension's `send` for a step with `send:`, from its request built for this iteration. */
export function sendParams(step: HttpStep, request: BuiltRequest): SendParams {
  const send = step.send;
  const text = textRequest(request);
  const params: SendParams = {
    method: request.method,
    url: request.url,
    body: text.body,
    headers: text.headers,
    tags: { ...step.tags, name: send?.name ?? `${step.name}-send` },
  };
  if (send?.expect !== undefined) params.expectedStatuses = send.expect;
  if (send?.timeout !== undefined) params.timeout = send.timeout;
  return params;
}

/**
 * The response a step with `send:` shows its checks, records and extractors: the question's status and
 * headers (the gateway's answer: 202, or 429 from a rate limiter) with the stream's tokens as the body. When
 * the stream did not open, nothing was sent and the response is the stream's own.
 */
export function answerOf(res: StreamResponse): StreamResponse {
  const send = res.send;
  if (send === null || send === undefined || !send.sent) return res;
  return {
    ...res,
    status: send.status,
    status_text: send.status_text ?? '',
    headers: send.headers ?? {},
    error: send.error,
    error_code: send.error_code,
  };
}

/** A form body as k6/http would send it: the extension takes text only. */
export function encodeForm(fields: Readonly<Record<string, string>>): string {
  return Object.keys(fields)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(fields[k] ?? '')}`)
    .join('&');
}
