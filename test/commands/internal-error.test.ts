// Exit 1, "internal error", is for loadctl's own bugs: no user input reaches it by design, so no end-to-end
// test can trigger it (test/e2e/exit-codes.test.ts points here). A command whose effect throws something
// unexpected stands in for such a bug.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { copyIntoFake, fakeIo, SHOP, type FakeIo } from '../harness/index.js';

/** The fake Io with stdout broken as a bug would break it: a TypeError out of the middle of a command. */
function ioWithABug(env: Record<string, string> = {}): FakeIo {
  const io = fakeIo({ env });
  copyIntoFake(io.fs, SHOP.plan, 'plans/shop.yaml');
  const stdout = {
    ...io.stdout,
    write: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'rows')");
    },
  };
  return { ...io, stdout };
}

describe('an unexpected error inside a command', () => {
  it('is exit 1, said as an internal error with what to do, without a stack trace', async () => {
    const io = ioWithABug();
    const code = await main(['validate', 'plans/shop.yaml'], io);
    expect(code).toBe(1);
    expect(io.stderrText()).toBe(
      "loadctl: internal error: Cannot read properties of undefined (reading 'rows')\n" +
        '  this is a bug; set LOADCTL_DEBUG=1 for the stack trace and report it\n',
    );
  });

  it('shows the stack trace with LOADCTL_DEBUG=1', async () => {
    const io = ioWithABug({ LOADCTL_DEBUG: '1' });
    const code = await main(['validate', 'plans/shop.yaml'], io);
    expect(code).toBe(1);
    expect(io.stderrText()).toMatch(/^loadctl: internal error: TypeError: Cannot read properties.*\n\s+at /);
  });

  it('is not what a valid plan gets when nothing breaks (the same command, exit 0)', async () => {
    const io = fakeIo();
    copyIntoFake(io.fs, SHOP.plan, 'plans/shop.yaml');
    expect(await main(['validate', 'plans/shop.yaml'], io)).toBe(0);
    expect(io.stderrText()).not.toContain('internal error');
  });
});
