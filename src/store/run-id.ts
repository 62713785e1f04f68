// Run ids sort by time as text and do not collide: 20261122T014512Z-3f9a1c.
export function makeRunId(now: Date, randomHex: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomHex.slice(0, 6)}`;
}

export const RUN_ID_RE = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;
