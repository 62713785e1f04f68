import { describe, expect, it } from 'vitest';
import { monitorSources } from './sources.js';

describe('monitorSources', () => {
  it('lists node_exporters, the process and Prometheus in that order', () => {
    const specs = monitorSources(
      {
        nodeExporter: ['http://a:9100/metrics', 'http://b:9100/metrics'],
        process: { port: 8080 },
        prometheus: { url: 'http://p:9090', queries: { running: 'sum(x)' } },
      },
      undefined,
    );
    expect(specs.map((s) => [s.kind, s.id])).toEqual([
      ['node-exporter', 'node'],
      ['node-exporter', 'node-2'],
      ['process-port', 'process'],
      ['prometheus', 'prometheus'],
    ]);
  });

  it('monitors the built-in demo as loadctl’s own process unless the plan names one', () => {
    expect(monitorSources(undefined, { selfPid: 42 })).toEqual([
      {
        kind: 'process',
        id: 'process',
        pid: 42,
        address: 'loadctl (it serves the built-in demo)',
        local: true,
      },
    ]);
    expect(monitorSources({ process: { pid: 7 } }, { selfPid: 42 })).toMatchObject([{ pid: 7 }]);
    expect(monitorSources(undefined, undefined)).toEqual([]);
  });
});
