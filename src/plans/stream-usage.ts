// OpenAI-style APIs send token counts in a stream only when asked (`stream_options.include_usage`), as a last
// chunk of usage alone. A stream step asks for them unless its plan says `usage: false` or already decides.
// Pure.
import type { StreamSpec } from './schema.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The step's JSON body with `stream_options.include_usage: true` added when the step streams, keeps the
 * default `usage: true`, and the body is an OpenAI-style streaming request (`stream: true`) that does not
 * set include_usage itself. Any other body is returned as it is.
 */
export function withStreamUsage(json: unknown, stream: StreamSpec | undefined): unknown {
  if (stream === undefined || stream === false) return json;
  if (stream !== true && stream.usage === false) return json;
  if (!isObject(json) || json.stream !== true) return json;
  const options = json.stream_options;
  if (options !== undefined && !isObject(options)) return json;
  if (options !== undefined && 'include_usage' in options) return json;
  return { ...json, stream_options: { ...options, include_usage: true } };
}
