import * as v from 'valibot';
import { ModelError, describeIssues } from './errors.ts';

/** Validates input at a mutation boundary; throws a ModelError listing every problem. */
export function parseInput<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  what: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input);
  if (!result.success) {
    const details = describeIssues(result.issues);
    throw new ModelError('invalid_input', `Invalid ${what}: ${details.join('; ')}`, details);
  }
  return result.output;
}

/** A stored entry that failed validation when read back; it is skipped, never rendered. */
export interface ReadProblem {
  collection: string;
  key: string;
  reason: string;
}

/** Reads a collection of stored entries, keeping the valid ones and reporting the rest. */
export function readValidEntries<const TSchema extends v.GenericSchema>(
  entries: Iterable<[string, unknown]>,
  schema: TSchema,
  collection: string,
  problems: ReadProblem[],
): v.InferOutput<TSchema>[] {
  const valid: v.InferOutput<TSchema>[] = [];
  for (const [key, raw] of entries) {
    const plain = toPlain(raw);
    const result = v.safeParse(schema, plain);
    if (result.success) valid.push(result.output);
    else problems.push({ collection, key: String(key).slice(0, 80), reason: describeIssues(result.issues).join('; ') });
  }
  return valid;
}

function toPlain(value: unknown): unknown {
  if (value && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') {
    return value.toJSON();
  }
  return value;
}
