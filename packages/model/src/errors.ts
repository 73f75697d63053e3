import type { BaseIssue } from 'valibot';

export type ModelErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'duplicate'
  | 'vote_limit'
  | 'not_allowed'
  | 'wrong_doc'
  | 'pin_limit';

/**
 * Tablemap's one error vocabulary: a stable `code` for programs and a plain `message` for people. The model
 * throws it from every mutation that refuses its input; analysis, report, roster, the server and the apps
 * extend it with their own codes, so every refusal anywhere carries the same two fields.
 */
export class ModelError<Code extends string = ModelErrorCode> extends Error {
  readonly code: Code;
  readonly details: readonly string[];

  constructor(code: Code, message: string, details: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelError';
    this.code = code;
    this.details = details;
  }
}

/** Valibot issues as "path: message" lines, never echoing the value that failed. */
export function describeIssues(issues: readonly BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
