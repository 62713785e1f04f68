import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from './diagnostics.js';

describe('renderDiagnostic', () => {
  it('shows control characters quoted from a plan visibly; the hint keeps its own line', () => {
    const evil = 'a\u001b[2J\u001b]0;t\u0007\u202Eb\rc';
    const text = renderDiagnostic({
      severity: 'error',
      file: `plans/${evil}.yaml`,
      line: 3,
      col: 5,
      path: ['flows', evil, 'steps', 0],
      message: `unknown key ${evil}`,
      hint: `did you mean ${evil}?`,
    });
    expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E]/); // eslint-disable-line no-control-regex
    expect(text.split('\n')).toEqual([
      'plans/a␛[2J␛]0;t␇\\u{202e}b␍c.yaml:3:5: error: flows["a\\u001b[2J\\u001b]0;t\\u0007\\u{202e}b\\rc"].steps[0]: unknown key a␛[2J␛]0;t␇\\u{202e}b␍c',
      '    hint: did you mean a␛[2J␛]0;t␇\\u{202e}b␍c?',
    ]);
  });
});
