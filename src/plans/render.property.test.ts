// Property: whatever text a plan holds, it changes only the data of the rendered script, never its code, and
// a secret's value never reaches the script.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleTemplate,
  readPlanFromScript,
  renderScriptSource,
  scriptCodePart,
} from '../k6-templates/bundle.js';
import { compileScriptPlan, defaultBaseUrl, planEndpoints } from './compile.js';
import { endpointSubmetrics } from '../report/model/k6-submetrics.js';
import { parsePlanText } from './parse.js';
import { resolvePlan } from './resolve.js';
import { validatePlan } from './validate.js';
import { stringify } from 'yaml';

const SECRET_NAME = 'PROPERTY_SECRET';

// Strings that stress every layer: quotes, backslashes, newlines, script terminators, template syntax,
// JS comment and template-literal markers, and the line separators JSON leaves unescaped.
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '"',
    "'",
    '`',
    '\\',
    '\n',
    '</script>',
    '*/',
    '${',
    '}',
    '\u2028',
    '\u2029',
    '${vars.x}',
    'require("fs")',
    '\0',
    '💥',
  ),
  fc
    .array(fc.constantFrom('"', '\\', '\n', '`', '$', '{', '}', '/', '*', 'a', ' ', '\u2028'), {
      maxLength: 12,
    })
    .map((a) => a.join('')),
);
const nonEmpty = hostile.filter((s) => s.trim().length > 0 && s.length <= 200);

let template = '';
beforeAll(async () => {
  template = await bundleTemplate();
});

const previous = process.env[SECRET_NAME];
afterAll(() => {
  if (previous === undefined) delete process.env[SECRET_NAME];
  else process.env[SECRET_NAME] = previous;
});

function planText(f: {
  desc: string;
  stepName: string;
  path: string;
  header: string;
  headerName: string;
  body: string;
  tag: string;
  contains: string;
  query: string;
}): string {
  return stringify({
    name: 'prop',
    description: f.desc,
    targets: {
      api: { url: 'http://127.0.0.1:8080', headers: { 'X-Target': f.header }, tags: { team: f.tag } },
    },
    secrets: [SECRET_NAME],
    scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', flow: 'f', tags: { t: f.tag } } },
    thresholds: { [`http_req_duration{name:${f.stepName}}`]: ['p(95)<500'] },
    flows: {
      f: {
        steps: [
          {
            name: f.stepName,
            method: 'POST',
            path: f.path,
            query: { q: f.query },
            headers: { [f.headerName]: f.header, Authorization: `Bearer \${secrets.${SECRET_NAME}}` },
            json: { text: f.body, nested: [f.body, { k: f.tag }] },
            tags: { custom: f.tag },
            checks: [{ bodyContains: f.contains }],
          },
        ],
      },
    },
  });
}

describe('rendering arbitrary plan text', () => {
  it('changes only the script’s data, never its code, and keeps secrets out', async () => {
    let rendered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          desc: hostile,
          stepName: nonEmpty,
          path: nonEmpty,
          header: hostile,
          headerName: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
          body: hostile,
          tag: hostile,
          contains: hostile,
          query: hostile,
        }),
        // Shaped like a real token, so a match can only be a leak (not a word the template code happens to hold).
        fc.stringMatching(/^sk-[A-Za-z0-9]{16,32}$/),
        async (fields, secret) => {
          process.env[SECRET_NAME] = secret;
          const parsed = parsePlanText('prop.yaml', planText(fields));
          fc.pre(parsed.ok);
          if (!parsed.ok) return;
          const validated = validatePlan(parsed.source);
          // Strings that happen to be malformed "${...}" templates are refused by validation: skip those.
          fc.pre(validated.plan !== undefined);
          if (!validated.plan || !validated.withProfile) return;
          const resolved = resolvePlan({ plan: validated.plan, withProfile: validated.withProfile }, {});
          if (!resolved.ok) throw new Error(resolved.message);
          const script = compileScriptPlan(resolved.resolved, {
            baseUrl: defaultBaseUrl(resolved.resolved),
            summaryExport: { envVar: 'LOADCTL_SUMMARY_PATH' },
            extraThresholds: endpointSubmetrics(planEndpoints(resolved.resolved.plan)),
          });
          const source = renderScriptSource(template, script);
          expect(scriptCodePart(source)).toBe(template);
          expect(readPlanFromScript(source)).toEqual(script);
          expect(source.split('\n')[0]).toMatch(/^var __LOADCTL_PLAN__ = "(?:[^"\\\n\u2028\u2029]|\\.)*";$/);
          expect(source).not.toContain(secret);
          rendered += 1;
        },
      ),
      { numRuns: 300 },
    );
    // The property must have been checked on real renders, not skipped by preconditions.
    expect(rendered).toBeGreaterThan(100);
    // 300 renders take ~3 s alone and over 5 s (vitest's default limit) on the shared 2-core machine.
  }, 30_000);
});
