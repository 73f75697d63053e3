import type { BaseIssue } from 'valibot';

export type AnalysisErrorCode = 'invalid_input';

/** Thrown when input from outside (alias maps, edits, themes) is malformed. Nothing is computed from it. */
export class AnalysisError extends Error {
  readonly code: AnalysisErrorCode;
  readonly details: readonly string[];

  constructor(message: string, details: readonly string[] = []) {
    super(details.length > 0 ? `${message}: ${details.join('; ')}` : message);
    this.name = 'AnalysisError';
    this.code = 'invalid_input';
    this.details = details;
  }
}

export function describeIssues(issues: readonly BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
