// The harness itself: the fake file system behaves like the real one where commands can tell.
import { describe, expect, it } from 'vitest';
import { fakeIo } from './fake-io.js';

describe('fakeIo files', () => {
  it('reads what it wrote, relative to the working directory or absolute', async () => {
    const io = fakeIo({ cwd: '/w' });
    await io.writeFileAtomic('a/b.txt', 'hello');
    expect(await io.readText('/w/a/b.txt', 5)).toBe('hello');
    expect(await io.exists('a')).toBe(true);
    expect(await io.listDir('a')).toEqual(['b.txt']);
    expect(io.fs.snapshot()).toEqual({ 'a/b.txt': 'hello' });
  });

  it('fails with Node’s error codes', async () => {
    const io = fakeIo({ cwd: '/w' });
    await io.mkdirp('dir');
    await io.writeFileAtomic('file', 'x');
    await expect(io.readText('missing', 100)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(io.readText('dir', 100)).rejects.toMatchObject({ code: 'EISDIR' });
    // Like realIo, a file over the caller's limit is refused.
    await expect(io.readText('file', 0)).rejects.toMatchObject({
      refusal: { kind: 'too-large', maxBytes: 0, sizeBytes: 1 },
    });
    await expect(io.listDir('file')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(io.listDir('missing')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes folders with what is inside, appends lines, copies files', async () => {
    const io = fakeIo({ cwd: '/w' });
    await io.writeFileAtomic('d/x/1', '1');
    await io.copyFile('d/x/1', 'e/2');
    const log = await io.openAppend('k6.log');
    log.write('a\n');
    log.write('b\n');
    await log.close();
    await io.remove('d');
    expect(await io.exists('d/x/1')).toBe(false);
    expect(io.fs.snapshot()).toEqual({ 'e/2': '1', 'k6.log': 'a\nb\n' });
  });

  it('delivers signals to listeners until they stop listening', () => {
    const io = fakeIo();
    const heard: string[] = [];
    const off = io.onSignal('SIGINT', () => heard.push('int'));
    io.fireSignal('SIGINT');
    off();
    io.fireSignal('SIGINT');
    expect(heard).toEqual(['int']);
  });

  it('has a fixed clock and predictable random ids', () => {
    const io = fakeIo();
    expect(io.now().toISOString()).toBe('2026-11-22T04:00:00.000Z');
    expect(io.randomHex(3)).toBe('000001');
    expect(io.randomHex(3)).toBe('000002');
  });

  it('refuses connections nothing answers', async () => {
    await expect(fakeIo().fetch('http://127.0.0.1:1/')).rejects.toThrow('fetch failed');
    expect(await fakeIo().probeTcp('127.0.0.1', 1)).toEqual({ kind: 'refused' });
  });
});
