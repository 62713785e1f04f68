// `loadctl demo` as a user starts it: the built CLI as a real process, its flags reaching the service.
import { describe, expect, it } from 'vitest';
import { startCli } from './helpers.js';

/** Waits until the demo prints the address it listens on. */
async function listeningUrl(output: () => string, timeoutMs = 15_000): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
    if (found) return found[1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`loadctl demo did not start:\n${output()}`);
}

describe('loadctl demo with the chat and jitter flags', () => {
  it('streams exactly --chat-tokens tokens on /api/chat, then stops on SIGTERM', async () => {
    const flags = ['--port', '0', '--chat-tokens', '3', '--chat-ttft', '10', '--chat-token-delay', '1'];
    const run = startCli(['demo', ...flags, '--jitter', '0'], { timeoutMs: 30_000 });
    let stdout = '';
    run.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const url = await listeningUrl(() => stdout);
    expect(stdout).toContain('chat ttft 10ms, 3 tokens every 1ms');

    const res = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-1', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text())
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice('data: '.length));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { choices: { finish_reason: unknown }[] });
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === null)).toHaveLength(3);
    // The knobs the service reports back are the flags' values.
    const stats = (await (await fetch(`${url}/admin/stats`)).json()) as { knobs: Record<string, unknown> };
    expect(stats.knobs).toMatchObject({ jitterMs: 0, chat: { ttftMs: 10, tokenDelayMs: 1, tokens: 3 } });

    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('demo service stopped');
  });
});
