import { describe, expect, it } from 'vitest';
import { parseFirstIpv4, parseRouteSource } from './runner-place.js';

// Recorded from `ip` (iproute2, Debian) on this machine: a namespace on a bridge, as the e2e test makes them.
const ADDR =
  '7: vlcT1p    inet 10.239.0.11/24 scope global vlcT1p\\       valid_lft forever preferred_lft forever\n';
const ROUTE = '10.239.0.11 dev lcbrT src 10.239.0.1 uid 0 \\    cache \n';

describe('reading ip’s output', () => {
  it('finds a namespace’s global IPv4 address and this host’s source address towards it', () => {
    expect(parseFirstIpv4(ADDR)).toBe('10.239.0.11');
    expect(parseFirstIpv4('')).toBeUndefined();
    expect(parseRouteSource(ROUTE)).toBe('10.239.0.1');
    expect(parseRouteSource('RTNETLINK answers: Network is unreachable')).toBeUndefined();
  });
});
