import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeRootWork, ROOT_WORK_SEED } from './root-work.js';

const sha = (input: Buffer): Buffer => createHash('sha256').update(input).digest();

describe('computeRootWork', () => {
  it('chains SHA-256 over the previous digest, starting from the seed', () => {
    const one = sha(Buffer.from(ROOT_WORK_SEED, 'utf8'));
    expect(computeRootWork(1)).toEqual({ rounds: 1, digest: one.toString('hex') });
    expect(computeRootWork(3)).toEqual({ rounds: 3, digest: sha(sha(one)).toString('hex') });
  });

  it('is the same work, and the same answer, every time', () => {
    expect(computeRootWork(500)).toEqual(computeRootWork(500));
    expect(computeRootWork(500).digest).not.toBe(computeRootWork(501).digest);
  });

  it('hashes nothing for 0 rounds', () => {
    expect(computeRootWork(0)).toEqual({ rounds: 0, digest: '' });
  });
});
