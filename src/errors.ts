// Errors that end a command, each with the exit code the README documents. Only src/cli/main.ts prints them.
import { renderDiagnostic, type Diagnostic } from './plans/diagnostics.js';

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  environment: 3,
  k6Failed: 4,
  saturated: 5,
  invariantFailed: 6,
  regression: 7,
  /** A --fail-on rule's limit is smaller than the change the data could detect: neither pass nor fail. */
  inconclusive: 8,
  thresholdsFailed: 99,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class LoadctlError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'LoadctlError';
  }
}

/** A plan that did not validate: its diagnostics are the message. */
export class PlanError extends LoadctlError {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(renderDiagnostic).join('\n'), EXIT.usage);
    this.name = 'PlanError';
  }
}

export const usageError = (message: string, hint?: string) => new LoadctlError(message, EXIT.usage, hint);
export const environmentError = (message: string, hint?: string) =>
  new LoadctlError(message, EXIT.environment, hint);
