import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import * as v from 'valibot';
import { ModelError, TokenClaimsSchema, type Role, type TokenClaims } from '@tablemap/model';
import { HttpError } from './http-util.ts';

const DAY_SECONDS = 24 * 60 * 60;

/** How long each role's token lives (docs/protocol.md, "Connecting"). */
export const TOKEN_LIFETIME_SECONDS: Record<Role, number> = {
  facilitator: 30 * DAY_SECONDS,
  observer: 30 * DAY_SECONDS,
  participant: 2 * DAY_SECONDS,
  scribe: 2 * DAY_SECONDS,
};

export interface VerifiedToken {
  claims: TokenClaims;
  /** Expiry, epoch seconds. */
  exp: number;
}

export class TokenError extends ModelError<'unauthorized' | 'event_deleted'> {
  constructor(message: string, code: TokenError['code'] = 'unauthorized') {
    super(code, message);
    this.name = 'TokenError';
  }
}

/** Reads `DATA_DIR/secret.key`, creating it (owner-only) on first start. */
export async function loadOrCreateSecret(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, 'secret.key');
  try {
    const hex = (await readFile(path, 'utf8')).trim();
    if (!/^[0-9a-f]{64,}$/.test(hex)) throw new Error(`${path} is not a hex key; delete it to generate a new one (this signs everyone out)`);
    return Buffer.from(hex, 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = randomBytes(32);
    await writeFile(path, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  }
}

/** The token belongs to an event that has been deleted: refused everywhere (HTTP and sync answer 410 Gone). */
export class EventDeletedError extends TokenError {
  constructor() {
    super('This event has been deleted', 'event_deleted');
    this.name = 'EventDeletedError';
  }
}

export class TokenSigner {
  private readonly key: Uint8Array;
  private revocations: { isRevoked(eventId: string, participantId: string): Promise<boolean> } | null = null;
  private isEventDeleted: ((eventId: string) => Promise<boolean>) | null = null;

  constructor(key: Uint8Array) {
    this.key = key;
  }

  /** From now on `verify` also refuses revoked token holders, so every route and the sync upgrade agree. */
  useRevocationList(revocations: { isRevoked(eventId: string, participantId: string): Promise<boolean> }): void {
    this.revocations = revocations;
  }

  /** From now on `verify` refuses every token of a deleted event (EventDeletedError). */
  useDeletedEvents(isEventDeleted: (eventId: string) => Promise<boolean>): void {
    this.isEventDeleted = isEventDeleted;
  }

  async sign(claims: TokenClaims, lifetimeSeconds = TOKEN_LIFETIME_SECONDS[claims.role]): Promise<string> {
    const valid = v.parse(TokenClaimsSchema, claims);
    return new SignJWT({ ...valid })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
      .sign(this.key);
  }

  /** Verifies signature, expiry and the claims' shape; any failure is a TokenError without details of the token. */
  async verify(token: string | null | undefined): Promise<VerifiedToken> {
    if (!token) throw new TokenError('A token is required');
    if (token.length > 4096) throw new TokenError('The token is malformed');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new TokenError(code === 'ERR_JWT_EXPIRED' ? 'The token has expired' : 'The token is not valid');
    }
    const claims = v.safeParse(TokenClaimsSchema, payload);
    if (!claims.success || typeof payload.exp !== 'number') throw new TokenError('The token is not valid');
    if (await this.isEventDeleted?.(claims.output.eventId)) throw new EventDeletedError();
    if (await this.revocations?.isRevoked(claims.output.eventId, claims.output.participantId)) {
      throw new TokenError('This token has been revoked by the facilitator');
    }
    return { claims: claims.output, exp: payload.exp };
  }
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * The bearer token of the request, which must be this event's facilitator's: 401 without a valid token,
 * 403 for anyone else (`action` finishes "Only this event's facilitator can …").
 */
export async function requireEventFacilitator(signer: TokenSigner, authorization: string | undefined, eventId: string, action: string): Promise<TokenClaims> {
  let claims: TokenClaims;
  try {
    ({ claims } = await signer.verify(bearerToken(authorization)));
  } catch (error) {
    if (error instanceof TokenError) throw new HttpError(401, 'unauthorized', error.message);
    throw error;
  }
  if (claims.role !== 'facilitator' || claims.eventId !== eventId) {
    throw new HttpError(403, 'forbidden', `Only this event’s facilitator can ${action}`);
  }
  return claims;
}
