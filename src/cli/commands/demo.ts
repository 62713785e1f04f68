// `loadctl demo`: the built-in demo service in the foreground, until Ctrl-C.
import { checkDemoKnobs, describeDemo, startDemoService } from '../../demo/index.js';
import type { DemoKnobs } from '../../plans/schema.js';
import { DEFAULT_DEMO_PORT } from '../../plans/compile.js';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import { STOP_SIGNALS, type Io } from '../../io/io.js';

/** Each number flag of `loadctl demo` and the knob it sets (src/plans/schema.ts, demoKnobsSchema). */
export const DEMO_NUMBER_FLAGS = [
  { flag: 'port', knob: 'port' },
  { flag: 'latency', knob: 'latencyMs' },
  { flag: 'jitter', knob: 'jitterMs' },
  { flag: 'error-rate', knob: 'errorRate' },
  { flag: 'cpu', knob: 'cpuWorkMs' },
  { flag: 'root-work', knob: 'rootWork' },
  { flag: 'schedules', knob: 'schedules' },
  { flag: 'seats', knob: 'seatsPerSchedule' },
  { flag: 'initial-points', knob: 'initialPoints' },
  { flag: 'coupon-stock', knob: 'couponStock' },
  { flag: 'rate-limit', knob: 'rateLimit.perSecond' },
  { flag: 'rate-limit-burst', knob: 'rateLimit.burst' },
  { flag: 'max-concurrent', knob: 'capacity.maxConcurrent' },
  { flag: 'queue', knob: 'capacity.queue' },
  { flag: 'chat-ttft', knob: 'chat.ttftMs' },
  { flag: 'chat-token-delay', knob: 'chat.tokenDelayMs' },
  { flag: 'chat-tokens', knob: 'chat.tokens' },
  { flag: 'chat-cut-rate', knob: 'chat.cutRate' },
  { flag: 'chat-cut-after', knob: 'chat.cutAfterTokens' },
] as const;

type NumberFlag = (typeof DEMO_NUMBER_FLAGS)[number]['flag'];
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** What commander hands over: every flag as typed (commander names them in camelCase). */
export type DemoOptions = { host?: string; allowDoubleBooking?: boolean } & {
  [F in NumberFlag as CamelCase<F>]?: string;
};

// Flags that only mean something next to another one.
const NEEDS: ReadonlyArray<[NumberFlag, NumberFlag]> = [
  ['queue', 'max-concurrent'],
  ['rate-limit-burst', 'rate-limit'],
];

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function setKnob(knobs: Record<string, unknown>, path: string, value: unknown): void {
  const [head, leaf] = path.split('.') as [string, string | undefined];
  if (leaf === undefined) knobs[head] = value;
  else knobs[head] = { ...(knobs[head] as object | undefined), [leaf]: value };
}

/** The flag that sets a knob, for messages: `--chat-tokens` for `chat.tokens`. */
function flagOf(knobPath: string): string {
  if (knobPath === 'host') return '--host';
  const exact = DEMO_NUMBER_FLAGS.find((f) => f.knob === knobPath);
  if (exact) return `--${exact.flag}`;
  // A whole group (rateLimit, capacity, chat): its flags.
  const group = DEMO_NUMBER_FLAGS.filter((f) => f.knob.startsWith(`${knobPath}.`));
  return group.length > 0 ? group.map((f) => `--${f.flag}`).join('/') : knobPath;
}

/**
 * The knobs the flags ask for, checked by the same schema as a plan's `demo:` block and `PUT /admin/knobs`.
 * Every bad flag is reported at once (exit 2), each by its name.
 */
export function demoKnobsFromOptions(opts: DemoOptions): DemoKnobs {
  const given = opts as Record<string, string | undefined>;
  const issues: string[] = [];
  const orphans = new Set<string>();
  for (const [flag, partner] of NEEDS) {
    if (given[camel(flag)] !== undefined && given[camel(partner)] === undefined) {
      issues.push(`--${flag} goes with --${partner}`);
      orphans.add(flag);
    }
  }
  const knobs: Record<string, unknown> = { host: opts.host ?? '127.0.0.1', port: DEFAULT_DEMO_PORT };
  for (const { flag, knob } of DEMO_NUMBER_FLAGS) {
    const text = given[camel(flag)];
    if (text === undefined || orphans.has(flag)) continue;
    if (NUMBER_TEXT.test(text.trim())) setKnob(knobs, knob, Number(text));
    else issues.push(`--${flag} ${JSON.stringify(text)}: expected a number`);
  }
  if (opts.allowDoubleBooking === true) knobs.allowDoubleBooking = true;
  // The flags that did parse are checked too: every problem is reported at once.
  const checked = checkDemoKnobs(knobs);
  if (checked.ok && issues.length === 0) return checked.knobs;
  for (const issue of checked.ok ? [] : checked.issues) {
    const value = issue.path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], knobs);
    const shown = typeof value === 'object' || value === undefined ? '' : ` ${String(value)}`;
    issues.push(`${flagOf(issue.path)}${shown}: ${issue.message}`);
  }
  throw usageError(
    issues.length === 1 ? issues[0]! : `bad flags:\n  ${issues.join('\n  ')}`,
    'see `loadctl demo --help` for each flag and its range',
  );
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
