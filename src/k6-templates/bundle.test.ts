import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleMessage } from '../io/bundle.js';
import {
  bundleTemplate,
  PLAIN_EXPORTS,
  bundleUserScript,
  PREBUILT_TEMPLATE_PATH,
  readTemplate,
  bundleUserScriptWrapper,
  classifyBundleErrors,
  readPlanFromScript,
  renderScriptSource,
  renderUserScriptSource,
  resolveRuntimeDir,
  scriptCodePart,
} from './bundle.js';
import type { ScriptPlan } from './runtime/model.js';

const HOSTILE = [
  'plain',
  'double " quote',
  "single ' quote",
  'back\\slash \\" \\\\',
  'new\nline\r\nand\ttab',
  '</script><script>alert(1)</script>',
  'line\u2028separator and paragraph\u2029separator',
  '${process.exit(1)} `backtick`',
  '*/ throw 1; /*',
  '"; throw new Error("escaped"); var x = "',
  'lone surrogate \ud800 and emoji 😀',
  '\u0000 nul and \u007f del',
];

function planWith(text: string): ScriptPlan {
  return {
    version: 1,
    planName: text,
    targetName: 'local',
    baseUrl: 'http://127.0.0.1:8080',
    options: { scenarios: { [text]: { executor: 'shared-iterations', vus: 1, iterations: 1 } } },
    headers: [[text, { k: 'lit', v: text }]],
    env: { TEXT: text },
    secrets: [],
    scenarioFlows: { [text]: 'f' },
    flows: {
      f: { headers: [], steps: [{ kind: 'set', values: [['x', { k: 'tpl', parts: [{ lit: text }] }]] }] },
    },
    metrics: {},
    data: {},
  };
}

describe('renderScriptSource', () => {
  const code = '// template\nexports.x = __LOADCTL_PLAN__;\n';

  it.each(HOSTILE)('round-trips %j', (text) => {
    const plan = planWith(text);
    const source = renderScriptSource(code, plan);
    expect(readPlanFromScript(source)).toEqual(plan);
    expect(scriptCodePart(source)).toBe(code);
  });

  it.each(HOSTILE)('puts %j on line 1 as one JS string literal', (text) => {
    const plan = planWith(text);
    const [first] = renderScriptSource(code, plan).split('\n');
    expect(first).not.toMatch(/[\r\u2028\u2029]/);
    // Evaluated as JavaScript, line 1 defines exactly the plan's JSON and nothing else.
    const sandbox: Record<string, unknown> = {};
    runInNewContext(first ?? '', sandbox);
    expect(Object.keys(sandbox)).toEqual(['__LOADCTL_PLAN__']);
    expect(JSON.parse(sandbox.__LOADCTL_PLAN__ as string)).toEqual(plan);
  });

  it('keeps the code part independent of the plan', () => {
    const parts = HOSTILE.map((text) => scriptCodePart(renderScriptSource(code, planWith(text))));
    expect(new Set(parts)).toEqual(new Set([code]));
  });

  it('refuses a script without the plan line', () => {
    expect(() => readPlanFromScript('export default function () {}\n')).toThrow('not a loadctl script');
    expect(() => readPlanFromScript('var __LOADCTL_PLAN__ = "x" + y;\n')).toThrow('not a loadctl script');
  });
});

describe("the build's copy of the template", () => {
  // `npm test` builds first, so dist/ has it; a unit run without a build says so instead of passing.
  const prebuilt = new URL('../../dist/k6-templates/k6-template.bundle.js', import.meta.url);
  it.skipIf(!existsSync(prebuilt))(
    'equals a fresh bundle of the runtime (run `npm run build` first)',
    async () => {
      expect(readFileSync(prebuilt, 'utf8')).toBe(await bundleTemplate());
    },
  );

  it('is what readTemplate reads when it is there, and the bundle when it is not', async () => {
    const reads: string[] = [];
    const there = await readTemplate({
      readText: async (path) => (reads.push(path), 'PREBUILT'),
    });
    expect(there).toBe('PREBUILT');
    expect(reads).toEqual([PREBUILT_TEMPLATE_PATH]);
    const missing = await readTemplate({
      readText: async () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
    });
    expect(missing).toBe(await bundleTemplate());
  });
});

describe('bundleTemplate', () => {
  it('bundles the runtime once per process, with only k6 modules left to import', async () => {
    const first = bundleTemplate();
    expect(bundleTemplate()).toBe(first);
    const code = await first;
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    // k6/x/loadctl-sse (loadctl's streaming extension) is required only by plans with stream steps.
    expect(new Set(required)).toEqual(
      new Set(['k6', 'k6/data', 'k6/execution', 'k6/http', 'k6/metrics', 'k6/x/loadctl-sse']),
    );
    expect(code).toContain('__LOADCTL_PLAN__');
    expect(code).not.toMatch(/^"use strict"/);
    expect(code).not.toMatch(/^(import|export)\b/m);
    // The same text from any cwd: esbuild's path comments are relative to src/k6-templates.
    expect(code).toContain('// runtime/entry.ts');
    expect(code).not.toContain(process.cwd());
  });

  it('ends by turning the exports into plain values, which k6 reads without running a getter', async () => {
    const code = await bundleTemplate();
    expect(code.trimEnd().endsWith(PLAIN_EXPORTS)).toBe(true);
    // esbuild's own CommonJS exports, as the bundle makes them: getters that cannot be redefined.
    const module = { exports: {} as Record<string, unknown> };
    const fn = () => 'iteration';
    Object.defineProperty(module.exports, '__esModule', { value: true });
    Object.defineProperty(module.exports, 'default', { get: () => fn, enumerable: true });
    Object.defineProperty(module.exports, 'options', { get: () => ({ vus: 1 }), enumerable: true });
    runInNewContext(PLAIN_EXPORTS, { module });
    for (const key of ['default', 'options']) {
      const d = Object.getOwnPropertyDescriptor(module.exports, key);
      expect(d?.get, key).toBeUndefined();
      expect(d?.enumerable, key).toBe(true);
    }
    expect(module.exports['default']).toBe(fn);
    expect(module.exports['options']).toEqual({ vus: 1 });
    expect(module.exports['__esModule']).toBe(true);
  });
});

describe('bundleUserScript', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadctl-bundle-'));
    await writeFile(
      join(dir, 'script.ts'),
      [
        "import http from 'k6/http';",
        "import { check } from 'k6';",
        "import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';",
        "import { path } from './lib.ts';",
        'export const options = { vus: 1 };',
        'export function setup(): string { return uuidv4(); }',
        'export function browse(): void {}',
        "export default function (): void { check(http.get(path('/x')), { ok: (r) => r.status === 200 }); }",
      ].join('\n'),
    );
    await writeFile(join(dir, 'lib.ts'), 'export const path = (p: string): string => `/api${p}`;\n');
    await writeFile(join(dir, 'broken.ts'), 'export default function ( {\n');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('inlines local modules, keeps k6 and https imports, and lists the exports', async () => {
    const result = await bundleUserScript(join(dir, 'script.ts'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { code, exports } = result;
    expect(exports).toEqual(['browse', 'default', 'options', 'setup']);
    expect(code).toMatch(/from "k6\/http"/);
    expect(code).toMatch(/from "https:\/\/jslib\.k6\.io\/k6-utils\/1\.4\.0\/index\.js"/);
    expect(code).toContain('/api');
    expect(code).not.toContain('./lib');
  });

  it('explains a syntax error with its place', async () => {
    const result = await bundleUserScript(join(dir, 'broken.ts'));
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ file: join(dir, 'broken.ts'), line: 2, col: 1 })],
    });
  });
});

describe('resolveRuntimeDir', () => {
  it('finds runtime/ next to the TypeScript source, and back in src/ from dist/', () => {
    expect(resolveRuntimeDir('file:///pkg/src/k6-templates/bundle.ts')).toBe(
      '/pkg/src/k6-templates/runtime/',
    );
    expect(resolveRuntimeDir('file:///pkg/dist/k6-templates/bundle.js')).toBe(
      '/pkg/src/k6-templates/runtime/',
    );
  });
});

describe('classifyBundleErrors', () => {
  const ctx = { runtimeDir: '/pkg/src/k6-templates/runtime/', scriptPath: '/home/u/plans/legacy.js' };
  const at = (file: string, line: number, col: number, text: string, lineText = ''): BundleMessage => ({
    text,
    file,
    line,
    col,
    lineText,
    notes: [],
  });

  it.each([
    [
      'a syntax error in the script',
      at('/home/u/plans/legacy.js', 3, 7, 'Expected ";" but found "x"', '  let a x = 1;'),
      {
        file: '/home/u/plans/legacy.js',
        line: 3,
        col: 7,
        message: 'Expected ";" but found "x"',
        hint: expect.stringContaining('fix the script') as unknown,
      },
    ],
    [
      'a syntax error in a file the script imports',
      at('/home/u/plans/lib/util.ts', 1, 10, 'Unexpected "}"'),
      expect.objectContaining({ file: '/home/u/plans/lib/util.ts', line: 1, col: 10 }),
    ],
    [
      'a missing local import',
      at('/home/u/plans/legacy.js', 1, 18, 'Could not resolve "./nope.js"'),
      expect.objectContaining({
        message: 'Could not resolve "./nope.js"',
        hint: 'no such file: an import path is relative to the file that imports it',
      }),
    ],
    [
      'an npm package import',
      at('/home/u/plans/legacy.js', 2, 14, 'Could not resolve "lodash"'),
      expect.objectContaining({ hint: expect.stringContaining('k6 modules (k6, k6/…), https:// URLs') }),
    ],
    [
      'the script as a whole (the wrapper’s import of it)',
      at(
        '/pkg/src/k6-templates/runtime/user-entry.ts',
        4,
        22,
        'No loader is configured for ".yaml" files: ../../../home/u/plans/legacy.js',
        "import * as user from 'loadctl:user-script';",
      ),
      {
        file: '/home/u/plans/legacy.js',
        message: 'No loader is configured for ".yaml" files: legacy.js',
        hint: expect.stringContaining('.js, .mjs, .cjs or .ts') as unknown,
      },
    ],
  ])('puts %s on the user, with its place', (_what, message, problem) => {
    expect(classifyBundleErrors([message], ctx)).toEqual({ user: [problem], internal: [] });
  });

  it.each([
    [
      'an error elsewhere in the template',
      at('/pkg/src/k6-templates/runtime/overlay.ts', 9, 1, 'Unexpected "}"'),
    ],
    ['an error without a place', { text: 'esbuild produced no output', notes: [] }],
  ])('keeps %s as loadctl’s own', (_what, message) => {
    expect(classifyBundleErrors([message], ctx)).toEqual({ user: [], internal: [message] });
  });
});

describe('bundleUserScriptWrapper', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadctl-wrapper-'));
    await writeFile(
      join(dir, 'ok.js'),
      'const x = await Promise.resolve(1);\nexport default function () {}\n',
    );
    await writeFile(join(dir, 'bad.js'), 'export default function () {\n  let a x = 1;\n}\n');
    await writeFile(join(dir, 'imports.js'), 'import { f } from "./nope.js";\nexport default f;\n');
    await writeFile(join(dir, 'legacy.yaml'), 'a: 1\n');
    await mkdir(join(dir, 'folder.js'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bundles a script with top-level await (k6 runs it), the overlay going on line 1', async () => {
    const result = await bundleUserScriptWrapper(join(dir, 'ok.js'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.code).toContain('await Promise.resolve(1)');
    const overlay = {
      version: 1,
      kind: 'user-script',
      planName: 'p',
      targetName: 't',
      baseUrl: 'http://127.0.0.1:1',
      options: {},
    } as const;
    const source = renderUserScriptSource(result.code, overlay);
    expect(readPlanFromScript(source)).toEqual(overlay);
    expect(scriptCodePart(source)).toBe(result.code);
  });

  it.each([
    ['bad.js', { line: 2, col: 9, message: 'Expected ";" but found "x"' }],
    ['imports.js', { line: 1, col: 19, message: 'Could not resolve "./nope.js"' }],
    ['legacy.yaml', { message: 'No loader is configured for ".yaml" files: legacy.yaml' }],
    ['folder.js', { message: 'Cannot read file "folder.js": is a directory' }],
  ])('reports a mistake in %s as the user’s, at its place', async (name, want) => {
    const result = await bundleUserScriptWrapper(join(dir, name));
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ file: join(dir, name), ...want })],
    });
  });
});
