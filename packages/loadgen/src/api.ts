import * as v from 'valibot';
import { ApiError, apiErrorOf } from '@tablemap/sync-client';

const TableSchema = v.object({ id: v.string(), name: v.string() });
const CreatedEventSchema = v.object({
  eventId: v.string(),
  joinCode: v.string(),
  facilitatorToken: v.string(),
  observerToken: v.string(),
  tables: v.array(TableSchema),
});
export type CreatedEvent = v.InferOutput<typeof CreatedEventSchema>;

const JoinLookupSchema = v.object({ eventId: v.string(), groups: v.array(v.object({ id: v.string(), label: v.string() })) });
const JoinedSchema = v.object({ token: v.string(), eventId: v.string(), tableId: v.string(), participantId: v.string(), group: v.string() });
const ScribeSchema = v.object({ token: v.string(), tableId: v.string() });

async function call<T>(schema: v.GenericSchema<unknown, T>, url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!response.ok) {
    const refusal = await apiErrorOf(response);
    const where = `${init.method ?? 'GET'} ${new URL(url).pathname} → ${response.status}`;
    throw new ApiError(response.status, refusal.code, `${where}: ${refusal.message}`, refusal.retryAfterSeconds);
  }
  const body: unknown = await response.json().catch(() => null);
  const parsed = v.safeParse(schema, body);
  if (!parsed.success) throw new Error(`${new URL(url).pathname} answered an unexpected shape: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}

export function createEvent(baseUrl: string, tableCount: number, organiserKey?: string): Promise<CreatedEvent> {
  return call(CreatedEventSchema, `${baseUrl}/api/events`, {
    method: 'POST',
    headers: organiserKey ? { authorization: `Bearer ${organiserKey}` } : {},
    body: JSON.stringify({ title: 'Load test', tableCount }),
  });
}

export async function lookupGroups(baseUrl: string, joinCode: string): Promise<string[]> {
  const found = await call(JoinLookupSchema, `${baseUrl}/api/join/${encodeURIComponent(joinCode)}`, { method: 'GET' });
  return found.groups.map((group) => group.id);
}

export function joinTable(baseUrl: string, joinCode: string, tableId: string, group: string): Promise<v.InferOutput<typeof JoinedSchema>> {
  return call(JoinedSchema, `${baseUrl}/api/join`, {
    method: 'POST',
    body: JSON.stringify({ joinCode, tableId, group, consent: true }),
  });
}

export function createScribe(baseUrl: string, event: CreatedEvent, tableId: string): Promise<v.InferOutput<typeof ScribeSchema>> {
  return call(ScribeSchema, `${baseUrl}/api/events/${event.eventId}/scribe`, {
    method: 'POST',
    headers: { authorization: `Bearer ${event.facilitatorToken}` },
    body: JSON.stringify({ tableId }),
  });
}
