import type { BaseIssue } from 'valibot';

export type ModelErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'duplicate'
  | 'vote_limit'
  | 'not_allowed'
  | 'wrong_doc';

/** Thrown by every mutation that refuses its input. `code` is stable; `message` is for people. */
export class ModelError extends Error {
  readonly code: ModelErrorCode;
  readonly details: readonly string[];

  constructor(code: ModelErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'ModelError';
    this.code = code;
    this.details = details;
  }
}

export function describeIssues(issues: readonly BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
