// Every shipped plan validates without errors, and its resolved k6 options (per profile) match the golden
// files in __golden__/ (review a change there as you would a change of the plan itself).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toK6Options } from './compile.js';
import { parsePlanText } from './parse.js';
import { resolvePlan } from './resolve.js';
import { validatePlan } from './validate.js';

const dir = new URL('../../plans/', import.meta.url);
const plans = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe.each(plans)('plans/%s', (file) => {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const parsed = parsePlanText(`plans/${file}`, text);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  const raw = parsed.source.value as { profiles?: Record<string, unknown> };

  it('validates with no errors and no warnings', () => {
    expect(validatePlan(parsed.source).diagnostics).toEqual([]);
  });

  it('says what it models and where the schema is, at its top', () => {
    expect(text).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)*(\.\/)?plan\.schema\.json\n/);
    expect(text).toMatch(/# What it models:/);
  });

  it.each([undefined, ...Object.keys(raw.profiles ?? {})])(
    'k6 options with profile %s match the golden file',
    async (profile) => {
      const { plan, withProfile } = validatePlan(parsed.source);
      if (!plan || !withProfile) throw new Error('the plan does not validate');
      const resolved = resolvePlan({ plan, withProfile }, { profile });
      if (!resolved.ok) throw new Error(resolved.message);
      const golden = `__golden__/${file.replace(/\.yaml$/, '').replaceAll('/', '--')}.${profile ?? 'default'}.options.json`;
      await expect(`${JSON.stringify(toK6Options(resolved.resolved), null, 2)}\n`).toMatchFileSnapshot(
        golden,
      );
    },
  );
});
