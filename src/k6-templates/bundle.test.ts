import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleTemplate,
  bundleUserScript,
  readPlanFromScript,
  renderScriptSource,
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
    const { code, exports } = await bundleUserScript(join(dir, 'script.ts'));
    expect(exports).toEqual(['browse', 'default', 'options', 'setup']);
    expect(code).toMatch(/from "k6\/http"/);
    expect(code).toMatch(/from "https:\/\/jslib\.k6\.io\/k6-utils\/1\.4\.0\/index\.js"/);
    expect(code).toContain('/api');
    expect(code).not.toContain('./lib');
  });

  it('explains a syntax error with its place', async () => {
    await expect(bundleUserScript(join(dir, 'broken.ts'))).rejects.toThrow(
      /broken\.ts failed to bundle:\n {2}.*broken\.ts:2:1: /,
    );
  });
});
