import * as v from 'valibot';
import { ModelError, describeIssues } from '@tablemap/model';

/** Thrown for any input the report cannot use; the message says what is wrong and where. */
export class ReportInputError extends ModelError<'invalid_input'> {
  constructor(message: string, details: readonly string[] = []) {
    super('invalid_input', message, details);
    this.name = 'ReportInputError';
  }
}

export function parseReportInput<const S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const problems = describeIssues(result.issues.slice(0, 5));
  throw new ReportInputError(`Invalid ${what}: ${problems.join('; ')}`, problems);
}
