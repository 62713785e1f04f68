// What the setup scripts share (setup-chromium.mjs, setup-ssh.mjs, setup-monitoring.mjs): finding programs,
// and installing a Debian package when we are root on a machine with apt-get. Plain Node with no
// dependencies, so it runs before `npm install` has finished.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Whether aptInstall can work here: Linux, apt-get on PATH, and root. */
export function canApt() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return process.platform === 'linux' && findOnPath('apt-get') !== undefined && root;
}

function run(say, cmd, args) {
  say(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

/**
 * `apt-get install` of the packages, each step echoed through `say`; a fresh machine may not know them until
 * the lists are fetched, so a failed install is tried again after `apt-get update`. True when it installed.
 */
export function aptInstall(say, packages) {
  const args = ['install', '-y', '--no-install-recommends', ...packages];
  return run(say, 'apt-get', args) || (run(say, 'apt-get', ['update']) && run(say, 'apt-get', args));
}

/**
 * The whole job of a setup script for Debian packages: nothing when `missing()` is empty (say `found()`), else
 * install them with apt-get where it can, else say `how` and return; never fails the setup, as only some
 * tests need them. `skipVar`=1 in the environment skips it.
 */
export function ensurePackages({ say, skipVar, missing, found, how }) {
  if (process.env[skipVar] === '1') {
    say(`skipped (${skipVar}=1)`);
    return;
  }
  const packages = missing();
  if (packages.length === 0) {
    say(found());
    return;
  }
  if (!canApt()) {
    say(
      `missing ${packages.join(', ')}, and this script installs them only as root on a machine with apt-get`,
    );
    say(how);
    return;
  }
  const installed = aptInstall(say, packages);
  if (installed && missing().length === 0) say(`installed ${packages.join(', ')}`);
  else {
    say(`could not install ${packages.join(', ')} with apt-get`);
    say(how);
  }
}
