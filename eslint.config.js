import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', 'results/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // One exit point: only the CLI entry may end the process.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Set the exit code in src/cli/main.ts only.' },
      ],
    },
  },
  {
    // Global fetch is a network effect dependency-cruiser cannot see: it goes through Io (io.fetch).
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: ['src/io/**', 'src/demo/**', '**/*.test.ts', 'test/**', 'bench/**', 'scripts/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Network goes through src/io: call io.fetch (an injected Io) instead.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Set the exit code in src/cli/main.ts only.' },
        { object: 'globalThis', property: 'fetch', message: 'Network goes through src/io: call io.fetch.' },
      ],
    },
  },
  {
    files: ['src/cli/main.ts', 'bin/**', 'scripts/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Size limits: a function longer than a screen or a file past 500 lines hides its structure. An
    // exception is written where it is, with its reason: `// eslint-disable-next-line
    // max-lines-per-function -- <reason>` or a first-line `/* eslint-disable max-lines -- <reason> */`.
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/__golden__/**', '**/fixtures/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // Code that runs inside k6, not Node.
    files: ['src/k6-templates/runtime/**', 'test/fixtures/**/*.js', 'bench/**/script.js', 'plans/**/*.js'],
    languageOptions: {
      globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly' },
    },
  },
);
