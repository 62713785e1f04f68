#!/usr/bin/env node
// Makes sure the monitoring servers the end-to-end tests start are there: Debian's Prometheus (remote-write
// receiver, PromQL), node_exporter (a target's CPU and memory) and InfluxDB 1.x (k6's influxdb output).
// loadctl itself needs none of them; `monitor:` and `outputs:` talk to the user's own.
//
//   npm run setup:monitoring     (also a step of `npm run setup`)
//   node scripts/setup-monitoring.mjs
//
// When one is missing on a machine with apt-get and we are root, installs Debian's `prometheus`,
// `prometheus-node-exporter` and `influxdb` (running `apt-get update` first if the packages are not known
// yet). The packages' services are not started: each test starts its own server with its own config and
// data folder. Anywhere else it says how to install them and exits 0; those tests then skip and say why.
//
// Environment:
//   LOADCTL_SKIP_MONITORING=1   do nothing
//
// Plain Node with no dependencies, as scripts/setup-ssh.mjs.
import { ensurePackages, findOnPath } from './apt.mjs';

/** Program → the Debian package that ships it. */
const PROGRAMS = [
  ['prometheus', 'prometheus'],
  ['prometheus-node-exporter', 'prometheus-node-exporter'],
  ['influxd', 'influxdb'],
];

function say(line) {
  process.stdout.write(`setup-monitoring: ${line}\n`);
}

function missing() {
  return PROGRAMS.filter(([program]) => findOnPath(program) === undefined).map(([, pkg]) => pkg);
}

const HOW = [
  'install the servers the monitoring tests start:',
  '  Debian/Ubuntu: sudo apt-get install -y prometheus prometheus-node-exporter influxdb',
  '  elsewhere:     any Prometheus 2.x, node_exporter and InfluxDB 1.x on PATH',
].join('\n');

ensurePackages({
  say,
  skipVar: 'LOADCTL_SKIP_MONITORING',
  missing,
  found: () => PROGRAMS.map(([program]) => findOnPath(program)).join(', '),
  how: HOW,
});
