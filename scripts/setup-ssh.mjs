#!/usr/bin/env node
// Makes sure OpenSSH's client and server are there: loadctl's `ssh:` runners use the client (ssh, scp), and
// the end-to-end test of them (test/e2e/runners-ssh.test.ts) starts an sshd of its own in a network namespace.
//
//   npm run setup:ssh            (also a step of `npm run setup`)
//   node scripts/setup-ssh.mjs
//
// When ssh or /usr/sbin/sshd is missing on a machine with apt-get and we are root, installs Debian's
// `openssh-client` and `openssh-server` (running `apt-get update` first if the packages are not known yet).
// Anywhere else it says how to install them and exits 0: only `ssh:` runners and that test need them.
//
// Environment:
//   LOADCTL_SKIP_SSH=1   do nothing
//
// Plain Node with no dependencies, as scripts/setup-chromium.mjs.
import { ensurePackages, executable, findOnPath } from './apt.mjs';

const SSHD = '/usr/sbin/sshd';

function say(line) {
  process.stdout.write(`setup-ssh: ${line}\n`);
}

function missing() {
  return [
    ...(findOnPath('ssh') && findOnPath('scp') ? [] : ['openssh-client']),
    ...(executable(SSHD) ? [] : ['openssh-server']),
  ];
}

const HOW = [
  'install OpenSSH for ssh: runners and their test:',
  '  Debian/Ubuntu: sudo apt-get install -y openssh-client openssh-server',
  '  macOS:         ssh and scp come with the system; sshd is only needed by the test (root, Linux)',
].join('\n');

// The server is installed for its binary: the test starts its own sshd, with its own config.
ensurePackages({
  say,
  skipVar: 'LOADCTL_SKIP_SSH',
  missing,
  found: () => `${findOnPath('ssh')}, ${SSHD}`,
  how: HOW,
});
