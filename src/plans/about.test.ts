import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from './diagnostics.js';
import { parsePlanText } from './parse.js';
import { validatePlan } from './validate.js';

const BASE = `name: t
targets:
  local: { demo: true }
scenarios:
  s: { executor: constant-vus, vus: 2, duration: 5s, flow: f }
flows:
  f:
    steps:
      - { name: home, path: / }
about:
`;

function problems(about: string): string[] {
  const parsed = parsePlanText('p.yaml', BASE + about);
  if (!parsed.ok) return parsed.diagnostics.map(renderDiagnostic);
  return validatePlan(parsed.source).diagnostics.map(renderDiagnostic);
}

describe('a plan’s about facts', () => {
  it('accepts short texts, numbers and booleans', () => {
    expect(
      problems(`  model: llama-3-8b
  server: vLLM 0.5 on 1×A10G
  max_tokens: 256
  prefix_caching: false
  gpu_memory_utilization: '0.90'
`),
    ).toEqual([]);
  });

  it.each([
    ['a list', '  model: [a, b]\n', 'p.yaml:11:10: error: about.model: '],
    ['a map', '  server: { gpu: A10G }\n', 'p.yaml:11:11: error: about.server: '],
    ['an empty value', "  model: ''\n", 'p.yaml:11:10: error: about.model: '],
    [
      'a long value',
      `  model: ${'x'.repeat(201)}\n`,
      'p.yaml:11:10: error: about.model: a fact is at most 200',
    ],
    ['a line break', '  model: "a\\nb"\n', 'p.yaml:11:10: error: about.model: a fact is one line'],
    ['a long name', `  ${'n'.repeat(65)}: x\n`, 'error: about.'],
  ])('refuses %s, at its place', (_what, text, start) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(start);
  });

  it('refuses more than 32 facts', () => {
    const many = Array.from({ length: 33 }, (_, i) => `  f${i}: x\n`).join('');
    expect(problems(many).join('\n')).toContain('at most 32 facts');
  });
});
