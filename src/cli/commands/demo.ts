// `loadctl demo`: the built-in demo service in the foreground, until Ctrl-C.
import { describeDemo, startDemoService } from '../../demo/index.js';
import type { DemoKnobs } from '../../plans/schema.js';
import { DEFAULT_DEMO_PORT } from '../../plans/compile.js';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import { STOP_SIGNALS, type Io } from '../../io/io.js';

export interface DemoOptions {
  host?: string;
  port?: string;
  latency?: string;
  errorRate?: string;
  cpu?: string;
  seats?: string;
  couponStock?: string;
  rateLimit?: string;
  maxConcurrent?: string;
  queue?: string;
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw usageError(`--${flag} ${JSON.stringify(text)} is not a number ≥ 0`);
  return n;
}

export function demoKnobsFromOptions(opts: DemoOptions): DemoKnobs {
  const knobs: DemoKnobs = {
    host: opts.host ?? '127.0.0.1',
    port: number('port', opts.port) ?? DEFAULT_DEMO_PORT,
  };
  const latency = number('latency', opts.latency);
  const errorRate = number('error-rate', opts.errorRate);
  const cpu = number('cpu', opts.cpu);
  const seats = number('seats', opts.seats);
  const stock = number('coupon-stock', opts.couponStock);
  const rate = number('rate-limit', opts.rateLimit);
  if (latency !== undefined) knobs.latencyMs = latency;
  if (errorRate !== undefined) knobs.errorRate = errorRate;
  if (cpu !== undefined) knobs.cpuWorkMs = cpu;
  if (seats !== undefined) knobs.seatsPerSchedule = seats;
  if (stock !== undefined) knobs.couponStock = stock;
  if (rate !== undefined) knobs.rateLimit = { perSecond: rate };
  const maxConcurrent = number('max-concurrent', opts.maxConcurrent);
  const queue = number('queue', opts.queue);
  if (queue !== undefined && maxConcurrent === undefined)
    throw usageError('--queue goes with --max-concurrent');
  if (maxConcurrent !== undefined)
    knobs.capacity = { maxConcurrent, ...(queue !== undefined ? { queue } : {}) };
  return knobs;
}

export async function runDemo(io: Io, opts: DemoOptions): Promise<ExitCode> {
  const knobs = demoKnobsFromOptions(opts);
  let service;
  try {
    service = await startDemoService(knobs, { log: (line) => io.stderr.write(`${line}\n`) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw usageError(
        `port ${knobs.port} is taken`,
        'choose another with --port, or --port 0 for a free one',
      );
    throw usageError((err as Error).message);
  }
  io.stdout.write(`${describeDemo(service).join('\n')}\n\nCtrl-C stops it.\n`);
  await new Promise<void>((done) => {
    const offs = STOP_SIGNALS.map((signal) =>
      io.onSignal(signal, () => {
        for (const off of offs) off();
        done();
      }),
    );
  });
  await service.close();
  io.stderr.write('demo service stopped\n');
  return EXIT.ok;
}
