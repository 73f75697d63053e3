import { ModelError } from '@tablemap/model';

/** A model refusal in words a participant understands, without field paths. */
export function friendlyError(error: unknown): string {
  if (error instanceof ModelError) {
    if (error.code === 'invalid_input' && error.details.length) {
      return error.details.map((detail) => detail.replace(/^[\w.]+: /, '')).join('. ');
    }
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
