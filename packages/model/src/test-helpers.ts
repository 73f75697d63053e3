import { ModelError } from './errors.ts';

/** The code of the ModelError an action throws, or 'no error'; for tests. Other errors are rethrown. */
export function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ModelError) return error.code;
    throw error;
  }
  return 'no error';
}
