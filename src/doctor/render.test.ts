import { describe, expect, it } from 'vitest';
import { renderDoctorTable, toDoctorReport } from './render.js';

const EVIL = 'x\u001b[2J\u001b]0;pwned\u0007\u0000\u202Ey\r\nz';
const SGR = /\u001b\[[0-9;]*m/g; // eslint-disable-line no-control-regex
const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/; // eslint-disable-line no-control-regex

describe('renderDoctorTable', () => {
  for (const color of [false, true])
    it(`shows control characters from a plan or a target visibly, keeping a fix's lines (colour ${color ? 'on' : 'off'})`, () => {
      const report = toDoctorReport(
        [
          {
            id: 'target.t.tcp',
            title: `target ${EVIL}`,
            status: 'failure',
            observed: `http://127.0.0.1:1/${EVIL} refused`,
            needed: 'reachable',
            // A fix is one command per line by design, so its line breaks stay; the rest is shown.
            fix: `start it: ${EVIL.replace('\n', '')}\ncheck the URL`,
            detail: `said ${EVIL}`,
          },
        ],
        `plans/${EVIL}.yaml`,
        false,
      );
      const text = renderDoctorTable(report, { color });
      const plain = text.replace(SGR, '');
      expect(plain).not.toMatch(RAW);
      expect(plain).toContain('x␛[2J␛]0;pwned␇␀\\u{202e}y␍␊z');
      // plan line, blank, header, rule, row, blank, finding, two fix lines, blank, verdict
      expect(plain.trimEnd().split('\n')).toHaveLength(11);
    });
});
