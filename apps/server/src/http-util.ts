import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { ModelError, describeIssues } from '@tablemap/model';

/** An error a client should see: status, stable code and a human message. Never a stack trace. */
export class HttpError extends ModelError<string> {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(code, message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

/**
 * JSON with <, > and & written as \u escapes: the same data for any JSON parser, but a response that is
 * ever sniffed or pasted into a page cannot open a tag or an entity.
 */
export function safeJsonText(body: unknown): string {
  return JSON.stringify(body).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = safeJsonText(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) return void res.destroy();
  // `code` is the stable code; `error` carries the same value for clients written against the first API.
  sendJson(res, error.status, { code: error.code, error: error.code, message: error.message }, error.headers);
}

/** Reads a JSON body up to `maxBytes` (413 beyond it, 400 if it is not JSON). */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'invalid_json', 'The request body must be JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'body_too_large', `The request body is larger than ${maxBytes} bytes`, { Connection: 'close' });
}

/** Validates a body against a schema; the message lists each problem without echoing values. */
export function parseBody<const TSchema extends v.GenericSchema>(schema: TSchema, body: unknown): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  throw new HttpError(400, 'invalid_input', describeIssues(result.issues).join('; '));
}
