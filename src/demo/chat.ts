// The fake LLM behind `POST /api/chat`: request validation, deterministic token text, OpenAI-style response
// bodies and server-sent-event frames, and when each token is due. Pure; the server owns the timers.
import type { ResolvedChatKnobs } from './knobs.js';
import { badRequest, parseFields, parseOptionalBooleanField, parseWholeNumber } from './fields.js';
import { ok, type Outcome } from './outcome.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const MAX_MESSAGES = 1000;
const MAX_MODEL_LENGTH = 200;

// Word tokens, as a real tokenizer mostly emits: the first without a leading space, the rest with one.
const WORDS = [
  'Load testing shows how a system behaves when many users arrive at once,',
  'so measure latency percentiles, error rates and throughput under steady pressure,',
  'then compare runs before you ship the change.',
]
  .join(' ')
  .split(' ');
const SPACED_WORDS = WORDS.map((word) => ` ${word}`);

export interface ChatMeta {
  id: string;
  created: number;
  model: string;
}

export interface ChatPlan {
  model: string;
  stream: boolean;
  promptTokens: number;
  tokens: readonly string[];
  /** 'length' when max_tokens cut the answer short, as OpenAI reports it. */
  finishReason: 'stop' | 'length';
  ttftMs: number;
  tokenDelayMs: number;
  /** `stream_options.include_usage`: a streamed answer ends with a chunk of usage alone, as OpenAI's does. */
  includeUsage: boolean;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const SSE_DONE = 'data: [DONE]\n\n';

export function parseChatRequest(
  body: unknown,
  knobs: Pick<ResolvedChatKnobs, 'ttftMs' | 'tokenDelayMs' | 'tokens'>,
): Outcome<ChatPlan> {
  const issues: string[] = [];
  const fields = parseFields(body, issues);
  const model = fields.model;
  if (typeof model !== 'string' || model.length === 0 || model.length > MAX_MODEL_LENGTH) {
    issues.push(`model: expected a non-empty string of at most ${MAX_MODEL_LENGTH} characters`);
  }
  const promptTokens = estimatePromptTokens(fields.messages, issues);
  const stream = parseOptionalBooleanField(fields, 'stream', issues) ?? false;
  const includeUsage = parseIncludeUsage(fields.stream_options, issues);
  let count = knobs.tokens;
  if (fields.max_tokens !== undefined) {
    const max = parseWholeNumber(fields.max_tokens);
    if (max === undefined || max < 1) issues.push('max_tokens: expected a whole number of at least 1');
    else count = Math.min(count, max);
  }
  if (issues.length > 0) return badRequest(issues);
  return ok({
    model: model as string,
    stream,
    promptTokens,
    tokens: generateChatTokens(count, promptTokens),
    finishReason: count < knobs.tokens ? 'length' : 'stop',
    ttftMs: knobs.ttftMs,
    tokenDelayMs: knobs.tokenDelayMs,
    includeUsage,
  });
}

/** `stream_options: {include_usage}`, absent or an object whose include_usage is a boolean if given. */
function parseIncludeUsage(options: unknown, issues: string[]): boolean {
  if (options === undefined || options === null) return false;
  if (typeof options !== 'object' || Array.isArray(options)) {
    issues.push('stream_options: expected an object');
    return false;
  }
  return parseOptionalBooleanField(options as Record<string, unknown>, 'include_usage', issues) ?? false;
}

/** Roughly four characters a token, at least one a message: close enough for usage accounting. */
export function estimatePromptTokens(messages: unknown, issues: string[]): number {
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) {
    issues.push(`messages: expected 1 to ${MAX_MESSAGES} messages of {role, content}`);
    return 0;
  }
  let tokens = 0;
  messages.forEach((message: unknown, index) => {
    const fields =
      typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : {};
    if (typeof fields.role !== 'string' || !ROLES.has(fields.role)) {
      issues.push(`messages[${index}].role: expected one of ${[...ROLES].join(', ')}`);
    }
    if (typeof fields.content !== 'string') issues.push(`messages[${index}].content: expected a string`);
    else tokens += Math.max(1, Math.ceil(fields.content.length / 4));
  });
  return tokens;
}

/** Deterministic text, varied by the prompt so different prompts do not all get the same answer. */
export function generateChatTokens(count: number, seed: number): string[] {
  const tokens = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const index = (seed + i) % WORDS.length;
    tokens[i] = (i === 0 ? WORDS[index] : SPACED_WORDS[index]) ?? '';
  }
  return tokens;
}

/** Milliseconds after the headers at which token `index` is due. Absolute, so timer lateness never adds up. */
export function tokenDueMs(plan: Pick<ChatPlan, 'ttftMs' | 'tokenDelayMs'>, index: number): number {
  return plan.ttftMs + index * plan.tokenDelayMs;
}

/**
 * Whether the cutRate knob cuts this stream off, and where: the tokens it sends before the connection drops
 * without the end marker (a gateway timeout, a crashed worker), or undefined for a stream that completes.
 * `roll` is a uniform random number in [0, 1).
 */
export function planStreamCut(
  knobs: Pick<ResolvedChatKnobs, 'cutRate' | 'cutAfterTokens'>,
  tokenCount: number,
  roll: number,
): number | undefined {
  if (!(knobs.cutRate > 0) || roll >= knobs.cutRate) return undefined;
  return Math.min(knobs.cutAfterTokens ?? Math.floor(tokenCount / 2), tokenCount);
}

/** A non-streaming answer arrives when the whole generation would have finished. */
export function completionDelayMs(plan: ChatPlan): number {
  return plan.ttftMs + plan.tokens.length * plan.tokenDelayMs;
}

export function summarizeUsage(plan: ChatPlan): ChatUsage {
  const completion = plan.tokens.length;
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: completion,
    total_tokens: plan.promptTokens + completion,
  };
}

export function renderChatCompletion(meta: ChatMeta, plan: ChatPlan): object {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: plan.tokens.join('') },
        finish_reason: plan.finishReason,
      },
    ],
    usage: summarizeUsage(plan),
  };
}

/** One SSE frame carrying one token; the first also carries the role, as OpenAI's first chunk does. */
export function renderChunkFrame(meta: ChatMeta, token: string, first: boolean): string {
  const delta = first ? { role: 'assistant', content: token } : { content: token };
  const chunk = {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, finish_reason: null }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/**
 * The closing frames: an empty delta with the finish reason; with `include_usage`, a chunk of usage alone
 * (`choices: []`), as OpenAI sends it; then the [DONE] sentinel.
 */
export function renderFinishFrames(meta: ChatMeta, plan: ChatPlan): string {
  const head = { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model };
  const finish = { ...head, choices: [{ index: 0, delta: {}, finish_reason: plan.finishReason }] };
  const usage = plan.includeUsage
    ? `data: ${JSON.stringify({ ...head, choices: [], usage: summarizeUsage(plan) })}\n\n`
    : '';
  return `data: ${JSON.stringify(finish)}\n\n${usage}${SSE_DONE}`;
}
