import { describe, expect, it } from 'vitest';
import { parseFirstIpv4, parseRouteSource } from './runner-place.js';

// Recorded from `ip` (iproute2 6.1) on this machine, with a namespace on a bridge.
const ADDR =
  '2: veth-r1@if5    inet 10.231.0.11/24 brd 10.231.0.255 scope global veth-r1\\       valid_lft forever preferred_lft forever\n';
const ROUTE = '10.231.0.11 dev lcbr0 src 10.231.0.1 uid 0 \\    cache \n';

describe('reading ip’s output', () => {
  it('finds a namespace’s global IPv4 address and this host’s source address towards it', () => {
    expect(parseFirstIpv4(ADDR)).toBe('10.231.0.11');
    expect(parseFirstIpv4('')).toBeUndefined();
    expect(parseRouteSource(ROUTE)).toBe('10.231.0.1');
    expect(parseRouteSource('RTNETLINK answers: Network is unreachable')).toBeUndefined();
  });
});
