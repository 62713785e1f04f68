import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // test/commands runs whole commands against the fake Io of test/harness: no k6, no network.
          include: ['src/**/*.test.ts', 'test/harness/**/*.test.ts', 'test/commands/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Real k6 runs share two cores: run e2e files one at a time so timings stay honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
