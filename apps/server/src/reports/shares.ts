import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as Y from 'yjs';
import * as v from 'valibot';
import { IdSchema, newId, reportDocName } from '@tablemap/model';
import type { DocRegistry } from '../sync/doc-registry.ts';

/**
 * Read-only share links of the report's HTML edition. A link carries a random 256-bit token; the
 * server keeps only its SHA-256 hash, in the report doc's server-only `shares` root (so it is stored
 * with the event, deleted with it, and the same on every instance when scaled out). No connection
 * may write that root, and a facilitator console that reads it learns no usable token.
 */

const ShareSchema = v.object({ id: IdSchema, tokenHash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)), createdAt: v.number(), revokedAt: v.nullable(v.number()) });
export type ReportShare = v.InferOutput<typeof ShareSchema>;

/** A token as it appears in a link: 43 base64url characters. Anything else is refused before any lookup. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const sharesOf = (doc: Y.Doc) => doc.getMap<unknown>('shares');

function readShares(doc: Y.Doc): ReportShare[] {
  if (!doc.share.has('shares')) return [];
  return [...sharesOf(doc).values()].flatMap((value) => {
    const parsed = v.safeParse(ShareSchema, value);
    return parsed.success ? [parsed.output] : [];
  });
}

export type ShareLookup = 'live' | 'revoked' | 'unknown';

export class ReportShares {
  private readonly registry: DocRegistry;
  constructor(registry: DocRegistry) {
    this.registry = registry;
  }

  private withReportDoc<T>(eventId: string, work: (doc: Y.Doc) => T): Promise<T> {
    return this.registry.withDoc(reportDocName(eventId), { kind: 'report', eventId }, (entry) => work(entry.doc));
  }

  /** A new link's token (shown once) and its record. */
  async create(eventId: string): Promise<{ share: Omit<ReportShare, 'tokenHash'>; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const share: ReportShare = { id: newId(), tokenHash: hashOf(token), createdAt: Date.now(), revokedAt: null };
    await this.withReportDoc(eventId, (doc) => doc.transact(() => sharesOf(doc).set(share.id, share)));
    return { share: publicShare(share), token };
  }

  list(eventId: string): Promise<Omit<ReportShare, 'tokenHash'>[]> {
    return this.withReportDoc(eventId, (doc) => readShares(doc).sort((a, b) => a.createdAt - b.createdAt).map(publicShare));
  }

  /** Revokes a link for good; null when the event has no such link. Revoking twice keeps the first date. */
  revoke(eventId: string, shareId: string): Promise<Omit<ReportShare, 'tokenHash'> | null> {
    return this.withReportDoc(eventId, (doc) => {
      const share = readShares(doc).find((entry) => entry.id === shareId);
      if (!share) return null;
      const revoked = { ...share, revokedAt: share.revokedAt ?? Date.now() };
      if (share.revokedAt === null) doc.transact(() => sharesOf(doc).set(share.id, revoked));
      return publicShare(revoked);
    });
  }

  /** Whether a token opens this event's report: compared by hash, in constant time per entry. */
  lookup(eventId: string, token: string): Promise<ShareLookup> {
    if (!TOKEN_PATTERN.test(token)) return Promise.resolve('unknown');
    const wanted = Buffer.from(hashOf(token), 'hex');
    return this.withReportDoc(eventId, (doc) => {
      const match = readShares(doc).find((share) => timingSafeEqual(Buffer.from(share.tokenHash, 'hex'), wanted));
      if (!match) return 'unknown';
      return match.revokedAt === null ? 'live' : 'revoked';
    });
  }
}

const publicShare = ({ id, createdAt, revokedAt }: ReportShare) => ({ id, createdAt, revokedAt });
