// The monitor while k6 runs: every source of the target read once an interval (node_exporter scraped, a
// process's /proc read), each reading kept with its wall-clock time. Effects through an Io; the figures are
// computed by node-exporter.ts and process.ts, and record.ts puts them on the run's clock afterwards.
import type { Io } from '../io/io.js';
import { cpuCores, probeClockTicks, readProcTicks } from '../k6/cpu.js';
import type { BuiltInSeriesId } from './model.js';
import { filteredUrl, nodeValues, parseNodeMetrics, type NodeReading } from './node-exporter.js';
import { pidOnPort, readProcess } from './process.js';
import { addressOf, isLoopbackUrl, type SourceSpec } from './sources.js';

/** A reading's values, at its wall-clock time (ms since the epoch). */
export interface Reading {
  atMs: number;
  values: Partial<Record<BuiltInSeriesId, number>>;
}

/** What one source gave over the run. */
export interface SourceRecording {
  spec: SourceSpec;
  address: string;
  local: boolean;
  cores?: number;
  memoryBytes?: number;
  readings: Reading[];
  errors: Map<string, number>;
}

interface SourceState extends SourceRecording {
  pid?: number;
  /** node_exporter refused the collector filter (filteredUrl): ask for the whole page. */
  unfiltered?: boolean;
  prevNode?: { reading: NodeReading; at: number };
  prevTicks?: { ticks: number; atMs: number };
}

// A node_exporter page is some tens of kilobytes; a page much bigger is not one.
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

function failed(state: SourceState, message: string): void {
  state.errors.set(message, (state.errors.get(message) ?? 0) + 1);
}

function reasonOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string')
    return cause.code === 'ECONNREFUSED' ? 'connection refused' : cause.code;
  return err instanceof Error ? err.message : String(err);
}

async function readNode(io: Io, state: SourceState, url: string, timeoutMs: number, mono: number) {
  let text: string;
  try {
    // Uncompressed: gunzipping a page a second costs loadctl more CPU than all the rest of the sampling.
    const init = { signal: AbortSignal.timeout(timeoutMs), headers: { 'accept-encoding': 'identity' } };
    let res = await io.fetch(state.unfiltered ? url : filteredUrl(url), init);
    if (res.status === 400 && !state.unfiltered) {
      state.unfiltered = true;
      res = await io.fetch(url, init);
    }
    if (!res.ok) return failed(state, `HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    return failed(state, reasonOf(err));
  }
  if (text.length > MAX_PAGE_BYTES) return failed(state, 'page larger than 4 MiB: not a node_exporter');
  const reading = parseNodeMetrics(text);
  if ('error' in reading) return failed(state, reading.error);
  state.cores = reading.cores;
  if (reading.memTotalBytes !== undefined) state.memoryBytes = reading.memTotalBytes;
  const prev = state.prevNode;
  const values = nodeValues(prev?.reading, reading, prev ? (mono - prev.at) / 1000 : 0);
  state.prevNode = { reading, at: mono };
  state.readings.push({ atMs: io.now().getTime(), values });
}

async function readProc(io: Io, state: SourceState, ticksPerSecond: number, mono: number) {
  if (state.pid === undefined && state.spec.kind === 'process-port') {
    const found = await pidOnPort(io, state.spec.port);
    if ('error' in found) return failed(state, found.error);
    state.pid = found.pid;
    state.address = `port ${state.spec.port} (pid ${found.pid})`;
  }
  const pid = state.pid;
  if (pid === undefined) return;
  const ticks = readProcTicks(io, pid);
  const proc = readProcess(io, pid);
  if (ticks === undefined || proc === undefined) return failed(state, `process ${pid} is gone`);
  const values: Reading['values'] = {};
  const cur = { ticks, atMs: mono };
  const cores = state.prevTicks ? cpuCores(state.prevTicks, cur, ticksPerSecond) : undefined;
  state.prevTicks = cur;
  if (cores !== undefined) values.processCpu = cores * 100;
  if (proc.rssBytes !== undefined) values.processMemory = proc.rssBytes;
  if (proc.openFiles !== undefined) values.processFds = proc.openFiles;
  state.readings.push({ atMs: io.now().getTime(), values });
}

function initialState(io: Io, spec: SourceSpec): SourceState {
  const local = spec.kind === 'process' || spec.kind === 'process-port' || isLoopbackUrl(spec.url);
  const facts = spec.kind === 'process' || spec.kind === 'process-port' ? io.hostFacts() : undefined;
  return {
    spec,
    address: addressOf(spec),
    local,
    ...(facts ? { cores: facts.cores, memoryBytes: facts.memoryBytes } : {}),
    ...(spec.kind === 'process' ? { pid: spec.pid } : {}),
    readings: [],
    errors: new Map(),
  };
}

let probedTicks: Promise<number> | undefined;

/** USER_HZ, asked once per loadctl process (`getconf` is a process start, the costliest read here). */
function clockTicks(io: Io): Promise<number> {
  probedTicks ??= probeClockTicks(io);
  return probedTicks;
}

export interface RunningMonitor {
  /** Stops sampling once the reading under way has ended; what each source gave, in the specs' order. */
  stop(): Promise<SourceRecording[]>;
}

/**
 * Reads every source but Prometheus (asked after the run, record.ts) once per `intervalMs` until stopped.
 * Ticks keep to a fixed schedule from the start, so a slow read does not drift the rest; a read that takes
 * longer than an interval is cut off. Timers never keep loadctl alive.
 */
export function startMonitor(
  io: Io,
  specs: readonly SourceSpec[],
  intervalMs = 1000,
  // Monotonic, not io.now(): rates divide by the time between two reads, which a clock step would distort.
  now: () => number = () => performance.now(),
): RunningMonitor {
  const states = specs.map((spec) => initialState(io, spec));
  const sampled = states.filter((s) => s.spec.kind !== 'prometheus');
  const ticksPerSecond = sampled.some((s) => s.spec.kind !== 'node-exporter') ? clockTicks(io) : undefined;
  const timeoutMs = Math.max(200, intervalMs - 100);
  const start = now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let n = 0;
  const tick = async () => {
    const tps = (await ticksPerSecond) ?? 100;
    const mono = now();
    await Promise.all(
      sampled.map((s) =>
        s.spec.kind === 'node-exporter'
          ? readNode(io, s, s.spec.url, timeoutMs, mono)
          : readProc(io, s, tps, mono),
      ),
    );
  };
  const schedule = () => {
    if (stopped) return;
    n++;
    const wait = Math.max(0, start + n * intervalMs - now());
    timer = setTimeout(() => {
      current = tick().finally(schedule);
    }, wait).unref();
  };
  if (sampled.length > 0) current = tick().finally(schedule);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current.catch(() => undefined);
      return states.map(({ spec, address, local, cores, memoryBytes, readings, errors }) => ({
        spec,
        address,
        local,
        ...(cores !== undefined ? { cores } : {}),
        ...(memoryBytes !== undefined ? { memoryBytes } : {}),
        readings,
        errors,
      }));
    },
  };
}
