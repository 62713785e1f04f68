// Writing a chat reply as server-sent events, token by token on timers due at absolute offsets from its start:
// the whole response of a streaming `POST /api/chat`, or one reply on a session's held-open event stream.
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { renderChunkFrame, renderFinishFrames, tokenDueMs, type ChatMeta, type ChatPlan } from './chat.js';

/** A timer can fire a fraction of a millisecond before its due time; a token that close to due goes now. */
const TOKEN_EARLY_MS = 1;

export interface ReplyStream {
  res: ServerResponse;
  meta: ChatMeta;
  plan: ChatPlan;
  /** The cutRate knob: the connection drops when this token is due, without the end marker. */
  cutAfter: number | undefined;
  /** The reply is the whole response (streaming POST), or one of many on a stream that stays open (session). */
  endResponse: boolean;
  /** Every pending timer, so the server's close() can cancel them. */
  timers: Set<NodeJS.Timeout>;
  /** Called once: true after the end marker, false when the stream closed or was cut first. */
  onEnd: (completed: boolean) => void;
}

export function streamReply(reply: ReplyStream): void {
  const { res, meta, plan, cutAfter, timers } = reply;
  const start = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;

  const stop = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timers.delete(timer);
      timer = undefined;
    }
  };
  const end = (completed: boolean): void => {
    stop();
    res.off('close', onClose);
    if (ended) return;
    ended = true;
    reply.onEnd(completed);
  };
  const onClose = (): void => end(false);
  const schedule = (inMs: number): void => {
    timer = setTimeout(tick, Math.max(0, inMs));
    timers.add(timer);
  };
  const tick = (): void => {
    stop();
    if (res.destroyed) return end(false);
    const elapsed = performance.now() - start;
    // Ends by the last frame, or by the cut (cutAfter is at most the token count).
    while (tokenDueMs(plan, next) <= elapsed + TOKEN_EARLY_MS) {
      if (next === cutAfter) {
        // Dropped as by a crashed upstream: what was written still goes out (destroy() could discard it),
        // the chunked body never gets its terminator, and no end marker comes.
        res.socket?.end();
        return end(false);
      }
      const frame = renderChunkFrame(meta, plan.tokens[next] ?? '', next === 0);
      next++;
      if (next === plan.tokens.length && cutAfter === undefined) {
        const last = frame + renderFinishFrames(meta, plan);
        if (reply.endResponse) res.end(last);
        else res.write(last);
        return end(true);
      }
      // A slow reader: wait for the socket instead of buffering the whole answer.
      if (!res.write(frame)) {
        res.once('drain', tick);
        return;
      }
    }
    schedule(tokenDueMs(plan, next) - elapsed);
  };
  res.on('close', onClose);
  schedule(plan.ttftMs);
}

/** Headers of an event stream, sent at once: time to first byte and time to first token must differ. */
export function openEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}
