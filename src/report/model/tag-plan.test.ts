import { describe, expect, it } from 'vitest';
import type { Plan } from '../../plans/schema.js';
import { MAX_TAG_VALUES, planTags, tagPlanNotes } from './tag-plan.js';

const step = (name: string, tags?: Record<string, string>) => ({
  name,
  path: `/${name}`,
  ...(tags ? { tags } : {}),
});

/** A plan as the schema gives it: only the parts planTags reads. */
function plan(p: Partial<Plan>): Plan {
  return { name: 'p', targets: { t: { url: 'http://x' } }, scenarios: {}, ...p } as Plan;
}

// Two models, as plans/llm-chat.yaml: their own endpoints, a streaming scenario and long prompts on model A.
const AB = plan({
  scenarios: {
    a: { executor: 'constant-vus', vus: 1, duration: '1s', flow: 'chat-a', tags: { model: 'A' } },
    b: { executor: 'constant-vus', vus: 1, duration: '1s', flow: 'chat-b', tags: { model: 'B' } },
    s: {
      executor: 'constant-vus',
      vus: 1,
      duration: '1s',
      flow: 'chat-a',
      tags: { model: 'A', mode: 'stream' },
    },
  } as Plan['scenarios'],
  flows: {
    'chat-a': { steps: [step('chat-a'), step('health')] },
    'chat-b': { steps: [step('chat-b'), { group: 'g', steps: [step('health')] }] },
  },
  setup: { steps: [step('login')] },
});

describe('planTags', () => {
  it('keeps each key a scenario sets with its values, their endpoints and those two values share', () => {
    expect(planTags(AB)).toEqual({
      keys: [
        {
          key: 'model',
          values: [
            { value: 'A', endpoints: ['chat-a', 'health'] },
            { value: 'B', endpoints: ['chat-b', 'health'] },
          ],
          shared: ['health'],
        },
      ],
      leftOut: [{ key: 'mode', why: 'every request that has it has mode=stream' }],
    });
  });

  it('lets a step’s tag win over its scenario’s, and the scenario’s over the plan’s and the target’s', () => {
    const p = plan({
      tags: { tier: 'free' },
      scenarios: {
        a: { executor: 'constant-vus', vus: 1, duration: '1s', flow: 'f', tags: { tier: 'paid' } },
        b: { executor: 'constant-vus', vus: 1, duration: '1s', flow: 'f' },
      } as Plan['scenarios'],
      flows: { f: { steps: [step('home'), step('admin', { tier: 'staff' })] } },
    });
    expect(planTags(p).keys).toEqual([
      {
        key: 'tier',
        values: [
          { value: 'paid', endpoints: ['home'] },
          { value: 'staff', endpoints: ['admin'] },
          { value: 'free', endpoints: ['home'] },
        ],
        shared: ['home'],
      },
    ]);
    // A key only the plan or the target sets has one value everywhere: not even left out, just not a group.
    expect(planTags(p, { env: 'ci' }).leftOut).toEqual([]);
  });

  it('leaves out k6’s own tags, names and values k6 cannot select on, and keys of too many values', () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_TAG_VALUES + 1 }, (_, i) => [
        `s${i}`,
        { executor: 'constant-vus', vus: 1, duration: '1s', flow: 'f', tags: { user: `u${i}` } },
      ]),
    );
    const p = plan({
      scenarios: {
        ...many,
        x: {
          executor: 'constant-vus',
          vus: 1,
          duration: '1s',
          flow: 'g',
          tags: { method: 'X', 'my-tag': 'a', odd: 'a,b', quoted: 'A' },
        },
        y: {
          executor: 'constant-vus',
          vus: 1,
          duration: '1s',
          flow: 'g',
          tags: { method: 'Y', 'my-tag': 'b', odd: 'c', quoted: "'B'" },
        },
      } as Plan['scenarios'],
      flows: { f: { steps: [step('f')] }, g: { steps: [step('g')] } },
    });
    // The run's notes say so of every key of several values; a key of one value is no surprise.
    expect(tagPlanNotes(planTags(p), p)).toEqual([
      `tag user has no figures by value (\`compare --by tag:user\`): it has ${MAX_TAG_VALUES + 1} values, more than the ${MAX_TAG_VALUES} loadctl keeps figures for`,
      'tag method has no figures by value (`compare --by tag:method`): k6 sets the method tag itself',
      'tag my-tag has no figures by value (`compare --by tag:my-tag`): its name has characters other than letters, digits and _',
      'tag odd has no figures by value (`compare --by tag:odd`): its value "a,b" has characters k6 cannot select on (, { } ", or a quote or space at an end)',
      `tag quoted has no figures by value (\`compare --by tag:quoted\`): its value "'B'" has characters k6 cannot select on (, { } ", or a quote or space at an end)`,
    ]);
    expect(tagPlanNotes(planTags(AB), AB)).toEqual([]);
    expect(planTags(p)).toEqual({
      keys: [],
      leftOut: [
        {
          key: 'user',
          why: `it has ${MAX_TAG_VALUES + 1} values, more than the ${MAX_TAG_VALUES} loadctl keeps figures for`,
        },
        { key: 'method', why: 'k6 sets the method tag itself' },
        { key: 'my-tag', why: 'its name has characters other than letters, digits and _' },
        {
          key: 'odd',
          why: 'its value "a,b" has characters k6 cannot select on (, { } ", or a quote or space at an end)',
        },
        {
          key: 'quoted',
          // k6 would select quoted=B with {quoted:'B'}.
          why: `its value "'B'" has characters k6 cannot select on (, { } ", or a quote or space at an end)`,
        },
      ],
    });
  });

  it('keeps no tag of a plan that runs a script of its own', () => {
    expect(planTags({ ...AB, script: 'load.js' } as Plan)).toEqual({ keys: [], leftOut: [] });
  });
});
