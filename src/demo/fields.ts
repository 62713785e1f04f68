// Reading fields out of parsed JSON bodies, query strings and credential headers. Each field reader adds to a
// shared issue list, so a request with three bad fields hears about all three. Hand-written rather than zod:
// these run on every request of a load test and allocate next to nothing when the input is good.
import { fail, type Failure } from './outcome.js';

export type Fields = Readonly<Record<string, unknown>>;

const EMPTY: Fields = Object.freeze({});
const DIGITS = /^\d{1,15}$/;

/** The body as an object of fields; an absent body reads as empty so each missing field is reported by name. */
export function parseFields(body: unknown, issues: string[]): Fields {
  if (body === undefined) return EMPTY;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Fields;
  issues.push('body: expected a JSON object');
  return EMPTY;
}

export function parseStringField(fields: Fields, name: string, issues: string[], maxLength: number): string {
  const value = fields[name];
  if (typeof value === 'string' && value.length > 0 && value.length <= maxLength) return value;
  issues.push(`${name}: expected a non-empty string of at most ${maxLength} characters`);
  return '';
}

/**
 * A positive whole number, given as a JSON number or a string of digits: plans that build bodies from
 * "${vars.x}" templates may send either.
 */
export function parseIdField(fields: Fields, name: string, issues: string[]): number {
  const id = parseWholeNumber(fields[name]);
  if (id !== undefined && id > 0) return id;
  issues.push(`${name}: expected a positive whole number`);
  return 0;
}

export function parseOptionalIdField(fields: Fields, name: string, issues: string[]): number | undefined {
  return fields[name] === undefined ? undefined : parseIdField(fields, name, issues);
}

export function parseOptionalBooleanField(
  fields: Fields,
  name: string,
  issues: string[],
): boolean | undefined {
  const value = fields[name];
  if (value === undefined || typeof value === 'boolean') return value;
  issues.push(`${name}: expected true or false`);
  return undefined;
}

export function parseWholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  return undefined;
}

/** One query parameter, without building a URLSearchParams for the common case of a short query. */
export function parseQueryParam(query: string, name: string): string | undefined {
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key === name) {
      const raw = eq === -1 ? '' : pair.slice(eq + 1);
      try {
        return decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function badRequest(issues: readonly string[]): Failure {
  return fail(400, 'BAD_REQUEST', issues.join('; '));
}

/** The token of an `Authorization: Bearer <token>` header. */
export function parseBearer(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ')
    return undefined;
  const token = header.slice(7).trim();
  return token === '' ? undefined : token;
}

/** One cookie's value from a `Cookie` header. */
export function parseCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
