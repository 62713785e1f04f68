// `GET /`: a CPU-bound page, the route the x86-vs-Graviton study loaded. Each request chains `rootWork` rounds of
// SHA-256, each over the previous digest: the same instructions every time, so its CPU time is what a core of
// the machine takes for them. A wall-clock burn (cpuWorkMs) would take the same time on any CPU and hide the
// very difference an architecture comparison measures.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** The first input of the chain; with it, the digest of n rounds is a fixed value a check can test. */
export const ROOT_WORK_SEED = 'loadctl demo';

export interface RootWorkBody {
  rounds: number;
  /** The SHA-256 digest after `rounds` rounds, in hex; empty for 0 rounds (nothing was hashed). */
  digest: string;
}

/** Computes the chain. Deterministic, and deliberately costly: `rounds` hashes, none cached. */
export function computeRootWork(rounds: number): RootWorkBody {
  let digest: Buffer = Buffer.from(ROOT_WORK_SEED, 'utf8');
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(digest).digest();
  return { rounds, digest: rounds === 0 ? '' : digest.toString('hex') };
}

export interface RootWorkSummary {
  /** `GET /` requests that did their work (not those the latency, error or limit knobs turned away). */
  requests: number;
  /** SHA-256 rounds computed by them in all. */
  rounds: number;
}

/** The cpuWorkMs knob: hold the one JavaScript thread, as a CPU-bound handler would. */
export function burnCpu(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy on purpose; a timer would leave the CPU idle and measure nothing.
  }
}
