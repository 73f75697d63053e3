import * as v from 'valibot';
import { IdSchema, LIMITS, NOTE_KINDS, ORGANISATION_SIZES } from '@tablemap/model';
import type { KeyValueStore, Session } from './session.ts';

/**
 * Half-typed forms kept on this phone, so a reload (or a phone that killed the tab) does not lose them.
 * Per table and per join, in localStorage; read back through a schema because anything could be there.
 * Drafts are capped a little above the model's limits: a draft may run over (the counter says so), but
 * localStorage is never filled with junk.
 */
const text = (max: number) => v.pipe(v.string(), v.maxLength(max * 2));

export const OrganisationDraftSchema = v.object({
  /** The organisation being edited, or null for a new one. */
  editingId: v.nullable(IdSchema),
  name: text(LIMITS.organisationName),
  sector: v.pipe(v.string(), v.maxLength(40)),
  size: v.union([v.picklist(ORGANISATION_SIZES), v.literal('')]),
  locality: text(LIMITS.locality),
  remit: text(LIMITS.remit),
});
export type OrganisationDraft = v.InferOutput<typeof OrganisationDraftSchema>;

export const NoteDraftSchema = v.object({
  text: text(LIMITS.noteText),
  kind: v.picklist(NOTE_KINDS),
  organisationIds: v.pipe(v.array(IdSchema), v.maxLength(200)),
});
export type NoteDraft = v.InferOutput<typeof NoteDraftSchema>;

const SCHEMAS = { organisation: OrganisationDraftSchema, note: NoteDraftSchema } as const;
type DraftKind = keyof typeof SCHEMAS;
type DraftOf<K extends DraftKind> = v.InferOutput<(typeof SCHEMAS)[K]>;

function draftKey(kind: DraftKind, session: Pick<Session, 'eventId' | 'tableId' | 'participantId'>): string {
  return `tablemap:draft:${kind}:${session.eventId}:${session.tableId}:${session.participantId}`;
}

/** The saved draft, or null when there is none or it does not fit the schema (then it is removed). */
export function loadDraft<K extends DraftKind>(kind: K, session: Session, store: KeyValueStore = localStorage): DraftOf<K> | null {
  const key = draftKey(kind, session);
  const raw = store.getItem(key);
  if (!raw) return null;
  try {
    const parsed = v.safeParse(SCHEMAS[kind], JSON.parse(raw));
    if (parsed.success) return parsed.output as DraftOf<K>;
  } catch {
    // Not JSON: fall through and forget it.
  }
  store.removeItem(key);
  return null;
}

/** Saves a draft; one that is invalid (e.g. pasted far past the limit) is not kept rather than kept half. */
export function saveDraft<K extends DraftKind>(kind: K, session: Session, draft: DraftOf<K>, store: KeyValueStore = localStorage): void {
  const parsed = v.safeParse(SCHEMAS[kind], draft);
  if (!parsed.success) return;
  try {
    store.setItem(draftKey(kind, session), JSON.stringify(parsed.output));
  } catch {
    // Storage full or disabled (private mode): the draft simply is not kept.
  }
}

export function clearDraft(kind: DraftKind, session: Session, store: KeyValueStore = localStorage): void {
  store.removeItem(draftKey(kind, session));
}
