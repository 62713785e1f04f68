// The result of a business rule: a value, or the HTTP status and error code the service answers with.
export type Failure = { ok: false; status: number; code: string; message: string };
export type Outcome<T> = { ok: true; value: T } | Failure;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(status: number, code: string, message: string): Failure {
  return { ok: false, status, code, message };
}
