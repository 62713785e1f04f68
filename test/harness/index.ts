// The command-test harness: a fake Io (files, output, clock, env, signals, k6, host) and runCli.
export {
  fakeIo,
  FAKE_CWD,
  FAKE_K6_PATH,
  FAKE_NOW,
  type FakeIo,
  type FakeIoOptions,
  type FakeProc,
} from './fake-io.js';
export { FakeFs } from './fake-fs.js';
export { FakeK6, SHOP, K6_VERSION_OUTPUT, type K6RunRecord, type K6Scenario } from './fake-k6.js';
export { copyChartLibraryIntoFake, copyIntoFake, readFixture, REPO_ROOT } from './fixtures.js';
export { runCli, runDirs, type CliResult } from './run-cli.js';
