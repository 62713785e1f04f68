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
    files: ['src/cli/main.ts', 'bin/**', 'scripts/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Code that runs inside k6, not Node.
    files: ['src/k6-templates/runtime/**', 'test/fixtures/**/*.js', 'bench/**/script.js', 'plans/**/*.js'],
    languageOptions: {
      globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly' },
    },
  },
);
