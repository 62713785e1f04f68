import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './locate.js';
import {
  isStampedFile,
  probeExtensionStamp,
  renderExtensionStamp,
  resolveStreamSupport,
  type StampIo,
} from './stream-extension.js';
import { PINNED_K6_VERSION, parseK6Version } from './version.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('resolveStreamSupport', () => {
  it('finds the extension in `k6 version`', () => {
    const built = parseK6Version(
      'k6 v1.8.1 (go1.26.8, linux/amd64)\nExtensions:\n  loadctl.local/k6ext/sse src-0123456789ab, k6/x/loadctl-sse [js]\n',
    );
    const stock = parseK6Version('k6 v1.8.1 (go1.26.8, linux/amd64)\n');
    expect(built && resolveStreamSupport(built)).toEqual({ kind: 'built', stamp: 'src-0123456789ab' });
    expect(stock && resolveStreamSupport(stock)).toEqual({ kind: 'none' });
  });

  it('finds it beside the loadctl output, listed first (`k6 version` of the k6 setup-k6 builds)', () => {
    const built = parseK6Version(
      [
        'k6 v1.8.1 (go1.26.8, linux/amd64)',
        'Extensions:',
        '  loadctl.local/k6ext/output.New src-29205e032e8c, loadctl [output]',
        '  loadctl.local/k6ext/sse src-29205e032e8c, k6/x/loadctl-sse [js]',
        '',
      ].join('\n'),
    );
    expect(built?.extensions.map((e) => `${e.name} [${e.type}] ${e.version}`)).toEqual([
      'loadctl [output] src-29205e032e8c',
      'k6/x/loadctl-sse [js] src-29205e032e8c',
    ]);
    expect(built && resolveStreamSupport(built)).toEqual({ kind: 'built', stamp: 'src-29205e032e8c' });
  });
});

describe('renderExtensionStamp', () => {
  it('hashes paths and contents in path order, so listing order does not matter', () => {
    const a = { path: 'go.mod', content: bytes('module m\n') };
    const b = { path: 'sse/module.go', content: bytes('package sse\n') };
    const stamp = renderExtensionStamp([b, a]);
    expect(stamp).toMatch(/^src-[0-9a-f]{12}$/);
    expect(renderExtensionStamp([a, b])).toBe(stamp);
    expect(renderExtensionStamp([a, { ...b, content: bytes('package sse // changed\n') }])).not.toBe(stamp);
    // A file moved is a different build, even with the same bytes.
    expect(renderExtensionStamp([a, { ...b, path: 'sse/other.go' }])).not.toBe(stamp);
  });

  it('stamps go.mod, go.sum and Go sources, not tests or anything else', () => {
    expect(['go.mod', 'go.sum', 'main.go', 'stream.go'].every(isStampedFile)).toBe(true);
    expect(['stream_test.go', 'README.md', 'go.work'].some(isStampedFile)).toBe(false);
  });
});

describe('probeExtensionStamp', () => {
  const tree: Record<string, Record<string, string> | string> = {
    '/p/k6ext': { 'go.mod': '', 'main.go': '', sse: '', 'notes.md': '' },
    '/p/k6ext/go.mod': 'module m\n',
    '/p/k6ext/main.go': 'package main\n',
    '/p/k6ext/notes.md': 'not stamped',
    '/p/k6ext/sse': { 'module.go': '', 'module_test.go': '' },
    '/p/k6ext/sse/module.go': 'package sse\n',
    '/p/k6ext/sse/module_test.go': 'package sse // test\n',
  };
  const io: StampIo = {
    listDir: (dir) => {
      const entry = tree[dir];
      return typeof entry === 'object'
        ? Promise.resolve(Object.keys(entry))
        : Promise.reject(new Error('ENOTDIR'));
    },
    readBytes: (file) => {
      const entry = tree[file];
      return typeof entry === 'string' ? Promise.resolve(bytes(entry)) : Promise.reject(new Error('EISDIR'));
    },
  };

  it('walks k6ext/ and stamps what the build stamps', async () => {
    expect(await probeExtensionStamp(io, '/p')).toBe(
      renderExtensionStamp([
        { path: 'go.mod', content: bytes('module m\n') },
        { path: 'main.go', content: bytes('package main\n') },
        { path: 'sse/module.go', content: bytes('package sse\n') },
      ]),
    );
  });

  it('is undefined without the sources (an installed package)', async () => {
    expect(await probeExtensionStamp(io, '/elsewhere')).toBeUndefined();
  });
});

describe('k6ext/go.mod', () => {
  it('requires the pinned k6', () => {
    const goMod = readFileSync(path.join(projectRoot(), 'k6ext', 'go.mod'), 'utf8');
    expect(/^\s*(?:require\s+)?go\.k6\.io\/k6\s+(v\S+)/m.exec(goMod)?.[1]).toBe(PINNED_K6_VERSION);
  });
});
