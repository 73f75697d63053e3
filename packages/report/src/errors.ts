import * as v from 'valibot';

/** Thrown for any input the report cannot use; the message says what is wrong and where. */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

export function parseReportInput<const S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const problems = result.issues.slice(0, 5).map((issue) => {
    const path = v.getDotPath(issue);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new ReportInputError(`Invalid ${what}: ${problems.join('; ')}`);
}
