// The checks a run cannot do without, whatever --skip-preflight says: k6 (found, supported, streaming when
// the plan streams), the declared secrets, and a results folder that takes the run's files. Pure.
import { STREAM_EXTENSION, STREAM_SETUP_HINT, resolveStreamSupport } from '../k6/stream-extension.js';
import { FIRST_UNSUPPORTED_K6_MAJOR, MIN_K6, renderVersion } from '../k6/version.js';
import { mb, unknown, type Finding } from './finding.js';
import { expectedResultsBytes, type PlanNeeds } from './needs.js';
import type { DoctorFacts, SecretFacts } from './probe.js';

export function checkK6(f: DoctorFacts): Finding {
  const base = {
    id: 'k6',
    title: 'k6',
    needed: `v${MIN_K6} ≤ k6 < v${FIRST_UNSUPPORTED_K6_MAJOR}.0.0`,
  };
  const k6 = f.k6;
  switch (k6.kind) {
    case 'found': {
      const skipped = k6.skipped.map((s) => `; passed over ${s.path} (${s.problem})`).join('');
      return {
        ...base,
        status: 'ok',
        observed: `${renderVersion(k6.version)} at ${k6.path} (${k6.source})${skipped}`,
      };
    }
    case 'missing':
      return {
        ...base,
        status: 'failure',
        observed: 'not found',
        detail: `looked in ${k6.searched.join(', ')}`,
        fix: k6.hint,
      };
    case 'unsupported':
      return {
        ...base,
        status: 'failure',
        observed: `${renderVersion(k6.version)} at ${k6.path}`,
        detail: k6.reason,
        fix: k6.hint,
      };
    case 'broken':
      return { ...base, status: 'failure', observed: k6.path, detail: k6.detail, fix: k6.hint };
  }
}

/**
 * Whether the k6 in use can run steps with `stream:` (loadctl's k6/x/loadctl-sse extension), and whether the
 * project's k6 was built from the extension sources at hand. Only a plan with stream steps needs it: without
 * the extension such a plan is refused, never measured with the headers' time as time to first token.
 */
export function checkK6Streaming(f: DoctorFacts, needs: PlanNeeds | undefined): Finding | undefined {
  const k6 = f.k6;
  if (k6.kind !== 'found') return undefined;
  const steps = needs?.streamSteps ?? [];
  const base = {
    id: 'k6.streaming',
    title: 'k6 streaming',
    needed:
      steps.length > 0
        ? `${STREAM_EXTENSION} for the stream steps ${steps.join(', ')}`
        : `${STREAM_EXTENSION} for plans with \`stream:\` steps`,
  };
  const support = resolveStreamSupport(k6.version);
  if (support.kind === 'none') {
    const fix =
      k6.source === 'env'
        ? `${STREAM_SETUP_HINT} Then unset LOADCTL_K6_BIN, or point it at a k6 built from k6ext/.`
        : STREAM_SETUP_HINT;
    return steps.length > 0
      ? {
          ...base,
          status: 'failure',
          observed: `${k6.path} (k6 ${k6.version.text}) has no ${STREAM_EXTENSION}, which the stream steps ${steps.join(', ')} need`,
          detail: 'stock k6 reads a body only once it is complete, so time to first token cannot be measured',
          fix,
        }
      : {
          ...base,
          status: 'ok',
          observed:
            needs === undefined
              ? `no (${k6.path}); only plans with \`stream:\` steps need it`
              : `no (${k6.path}); this plan has no stream steps`,
        };
  }
  const expected = f.streamExtensionStamp;
  if (k6.source === 'project' && expected !== undefined && support.stamp !== expected) {
    return {
      ...base,
      status: 'warning',
      observed: `${STREAM_EXTENSION} ${support.stamp}, but k6ext/ is now ${expected}`,
      detail: `${k6.path} was built from other extension sources than the ones in this project`,
      fix: 'npm run setup:k6',
    };
  }
  return { ...base, status: 'ok', observed: `yes: ${STREAM_EXTENSION} ${support.stamp}` };
}

/** A secret the plan declares reaches k6 through the environment only: unset, the script refuses to start. */
export function checkSecret(s: SecretFacts): Finding {
  const base = {
    id: `secret.${s.name}`,
    title: `secret ${s.name}`,
    needed: 'set in the environment',
  };
  if (s.set) return { ...base, status: 'ok', observed: 'set' };
  return {
    ...base,
    status: 'failure',
    observed: 'not set',
    detail: 'the plan declares it, and k6 stops before any load without it',
    fix: `export ${s.name}=…   # loadctl passes it to k6 through the environment only`,
  };
}

export function checkResultsWritable(f: DoctorFacts): Finding {
  const { dir, writeError } = f.results;
  const base = { id: 'results-writable', title: 'results folder', needed: 'writable' };
  if (writeError === undefined) return { ...base, status: 'ok', observed: `${dir} writable` };
  return {
    ...base,
    status: 'failure',
    observed: `cannot write to ${dir}: ${writeError}`,
    detail: 'the run keeps its script, k6 output and summary there',
    // chown helps only where permissions are the cause; not on /proc, a read-only or a full disk.
    fix: writeError.includes('permission denied')
      ? `sudo chown -R "$USER" ${dir}   # or choose another folder with --results DIR`
      : 'choose another folder with --results DIR',
  };
}

export function checkDisk(f: DoctorFacts, needs: PlanNeeds | undefined): Finding {
  const dir = f.results.dir;
  const id = 'disk';
  const title = 'free disk';
  const need = expectedResultsBytes(needs);
  const why = needs?.samples ? 'raw samples (~300 bytes per request) and the run files' : 'the run files';
  const needed = need === undefined ? 'unknown (request count set by the target)' : `~${mb(need)} for ${why}`;
  const free = f.results.freeBytes;
  if (free === undefined) return unknown(id, title, `free space under ${dir} is not available`, needed);
  const observed = `${mb(free)} free`;
  if (need === undefined)
    return {
      id,
      title,
      status: 'warning',
      observed,
      needed,
      detail:
        'raw samples take ~300 bytes per request and VU-based scenarios make the request count unknowable',
    };
  if (free >= need) return { id, title, status: 'ok', observed, needed };
  return {
    id,
    title,
    status: 'failure',
    observed,
    needed,
    detail: 'a full disk ends the run and loses its results',
    fix: `du -sh ${dir}/* | sort -h   # delete old runs, or choose another folder with --results DIR`,
  };
}

/** The results folder: writable, and with room for what the run writes. */
export function checkResults(f: DoctorFacts, needs: PlanNeeds | undefined): Finding[] {
  return [checkResultsWritable(f), checkDisk(f, needs)];
}
