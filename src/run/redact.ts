// Secret values must never reach a file loadctl writes. Values shorter than 4 characters are not
// redacted: they would blank out common text and are not secrets worth the name.
export const REDACTED = '[redacted]';

export function makeRedactor(secretValues: Iterable<string | undefined>): (text: string) => string {
  const values = [
    ...new Set([...secretValues].filter((v): v is string => typeof v === 'string' && v.length >= 4)),
  ].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  };
}
