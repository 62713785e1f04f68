// findK6 through an Io (src/k6/locate.ts): the fake's file system and `k6 version`, nothing of this machine.
import { describe, expect, it } from 'vitest';
import { findK6 } from '../../src/k6/locate.js';
import { fakeIo, FAKE_K6_PATH } from './fake-io.js';

describe('findK6(io, …)', () => {
  it('finds the k6 LOADCTL_K6_BIN names and reads its version and extensions', async () => {
    const io = fakeIo();
    const found = await findK6(io, { projectRoot: '/opt/loadctl' });
    expect(found).toMatchObject({ kind: 'found', path: FAKE_K6_PATH, source: 'env' });
    expect(found.kind === 'found' && found.version.text).toBe('v1.8.1');
    expect(found.kind === 'found' && found.version.extensions.map((e) => e.name)).toEqual([
      'k6/x/loadctl-sse',
    ]);
    expect(io.commandsRun).toEqual([`${FAKE_K6_PATH} version`]);
  });

  it('resolves a relative LOADCTL_K6_BIN against the Io’s working directory', async () => {
    const io = fakeIo({ env: { LOADCTL_K6_BIN: 'bin/k6' } });
    io.fs.writeSync('bin/k6', '', { executable: true });
    io.fs.removeSync(FAKE_K6_PATH);
    const found = await findK6(io, { projectRoot: '/opt/loadctl' });
    // The file is there but is not the fake k6, so `version` does not answer like k6.
    expect(found).toMatchObject({ kind: 'broken', path: '/home/tester/shop/bin/k6', source: 'env' });
  });

  it('does not take a folder named k6 on PATH for a k6: only the project file is tried', async () => {
    const io = fakeIo({ env: { LOADCTL_K6_BIN: undefined, PATH: '/usr/local/bin' } });
    io.fs.mkdirpSync('/usr/local/bin/k6');
    io.fs.writeSync('/opt/loadctl/.tools/bin/k6', '', { executable: true });
    const found = await findK6(io, { projectRoot: '/opt/loadctl' });
    expect(found).toMatchObject({ kind: 'broken', path: '/opt/loadctl/.tools/bin/k6', source: 'project' });
    expect(io.commandsRun).toEqual(['/opt/loadctl/.tools/bin/k6 version']);
  });

  it('says where it looked when there is no k6', async () => {
    const io = fakeIo({ env: { LOADCTL_K6_BIN: undefined, PATH: '/usr/bin' } });
    expect(await findK6(io, { projectRoot: '/opt/loadctl' })).toMatchObject({
      kind: 'missing',
      searched: ['/opt/loadctl/.tools/bin/k6', '/usr/bin/k6'],
    });
  });
});
