// The JSON paths plans use: "$", "$.token", "$.items[0].id", "$.seats[*].seatId", "$['odd key']".
import type { PathSegment } from '../k6-templates/runtime/model.js';

export function parseJsonPath(
  text: string,
): { ok: true; segments: PathSegment[] } | { ok: false; message: string } {
  if (!text.startsWith('$'))
    return { ok: false, message: `JSON path ${JSON.stringify(text)} must start with "$"` };
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      const m = text.slice(i + 1).match(/^[A-Za-z_$][\w$-]*/);
      if (!m)
        return {
          ok: false,
          message: `JSON path ${JSON.stringify(text)}: expected a key after "." at ${i + 1}`,
        };
      segments.push({ key: m[0] });
      i += 1 + m[0].length;
    } else if (ch === '[') {
      const rest = text.slice(i);
      const index = rest.match(/^\[(\d+)\]/);
      const all = rest.match(/^\[\*\]/);
      const quoted = rest.match(/^\[(['"])((?:(?!\1).)*)\1\]/);
      if (index) {
        segments.push({ index: Number(index[1]) });
        i += index[0].length;
      } else if (all) {
        segments.push({ all: true });
        i += all[0].length;
      } else if (quoted) {
        segments.push({ key: quoted[2] ?? '' });
        i += quoted[0].length;
      } else {
        return {
          ok: false,
          message: `JSON path ${JSON.stringify(text)}: expected [N], [*] or ['key'] at ${i + 1}`,
        };
      }
    } else {
      return {
        ok: false,
        message: `JSON path ${JSON.stringify(text)}: unexpected ${JSON.stringify(ch)} at ${i + 1}`,
      };
    }
  }
  return { ok: true, segments };
}
