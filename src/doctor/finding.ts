// The one vocabulary of doctor and run's preflight: a finding per check, with what was observed, what is
// needed and the exact fix. Also the small formatting helpers the checks share. Pure.
import { formatCount } from '../report/render/units.js';

export type Status = 'ok' | 'warning' | 'failure';

export interface Finding {
  /** Stable id, e.g. `open-files` or `target.staging.tcp`. */
  id: string;
  title: string;
  status: Status;
  observed: string;
  needed: string;
  /** Commands or steps that fix it, one per line; only on warnings and failures. */
  fix?: string;
  /** Why it matters, for warnings and failures. */
  detail?: string;
}

const MB = 1e6;

export const count = formatCount;
export const mb = (bytes: number) => `${count(Math.ceil(bytes / MB))} MB`;
export const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** A value this system does not let us read: a warning saying so, never a failure. */
export function unknown(id: string, title: string, what: string, needed: string, fix?: string): Finding {
  return {
    id,
    title,
    status: 'warning',
    observed: 'unknown',
    needed,
    detail: `could not be checked: ${what}`,
    ...(fix !== undefined ? { fix } : {}),
  };
}

export function sysctlFix(key: string, value: string | number): string {
  const v = String(value);
  const shown = v.includes(' ') ? `"${v}"` : v;
  return [
    `sudo sysctl -w ${key}=${shown}`,
    `echo '${key} = ${v}' | sudo tee -a /etc/sysctl.d/99-loadctl.conf   # persistent`,
  ].join('\n');
}

/** Failures always fail; warnings only with --strict. */
export function doctorFailed(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((x) => x.status === 'failure' || (strict && x.status === 'warning'));
}
