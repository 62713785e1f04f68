// The facts a run is prepared from, probed once: the clock and randomness of its id, the host, a free port
// for k6's REST API.
import type { Io } from '../io/io.js';
import type { FindK6Result } from '../k6/locate.js';
import { hasFramesOutput } from '../k6/stream-extension.js';
import { renderVersion } from '../k6/version.js';
import type { RunFacts } from './prepare.js';

export type FoundK6 = Extract<FindK6Result, { kind: 'found' }>;

export async function probeRunFacts(io: Io, k6: FoundK6): Promise<RunFacts> {
  return {
    cwd: io.cwd,
    env: io.env,
    now: io.now(),
    hex: io.randomHex(3),
    host: io.hostFacts(),
    k6: { path: k6.path, version: renderVersion(k6.version), framesOutput: hasFramesOutput(k6.version) },
    restPort: await io.freePort(),
  };
}
