import { ModelError } from '@tablemap/model';

export type AnalysisErrorCode = 'invalid_input';

/** Thrown when input from outside (alias maps, edits, themes) is malformed. Nothing is computed from it. */
export class AnalysisError extends ModelError<AnalysisErrorCode> {
  constructor(message: string, details: readonly string[] = []) {
    super('invalid_input', details.length > 0 ? `${message}: ${details.join('; ')}` : message, details);
    this.name = 'AnalysisError';
  }
}
