import * as v from 'valibot';
import { ModelError } from '@tablemap/model';

/** Every refusal the server sends over HTTP: `{ error: <stable code>, message: <plain words> }`. */
export const ErrorBodySchema = v.object({ error: v.string(), message: v.string() });

/**
 * A failed request to the Tablemap server: the HTTP status, the server's stable code and its message.
 * Requests that never got an answer have status 0 and code `network`; an answer of the wrong shape has
 * code `bad_response`; an error body without a code has code `http`.
 */
export class ApiError extends ModelError<string> {
  readonly status: number;
  /** The server's Retry-After in seconds, when it sent one. */
  readonly retryAfterSeconds: number | null;
  constructor(status: number, code: string, message: string, retryAfterSeconds: number | null = null) {
    super(code, message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Refusal of a non-2xx response: the server's `{ error, message }` when it sent one. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  const error = v.safeParse(ErrorBodySchema, body);
  if (error.success) return new ApiError(response.status, error.output.error, error.output.message, retryAfter);
  return new ApiError(response.status, 'http', `The server answered with HTTP ${response.status}.`, retryAfter);
}

/** Fetches JSON from the server and checks its shape; any failure is an ApiError. */
export async function requestJson<T>(
  url: string,
  init: RequestInit,
  schema: v.GenericSchema<unknown, T>,
  fetchImpl: typeof fetch = fetch,
): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
  }
  if (!response.ok) throw await apiErrorOf(response);
  const body: unknown = await response.json().catch(() => null);
  const parsed = v.safeParse(schema, body);
  if (!parsed.success) throw new ApiError(response.status, 'bad_response', 'The server sent an answer this app does not understand.');
  return parsed.output;
}
