import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export type RelayKind = 'update' | 'awareness' | 'revoke' | 'event-deleted';

export interface RelayHandlers {
  /** A change published by another instance, in the order that instance published it. */
  onMessage(kind: RelayKind, docName: string, payload: Uint8Array): void;
  /**
   * Messages may have been missed (Redis restarted or was unreachable, or this reader fell behind the
   * stream's trimmed length): the caller reloads every doc it holds from the database.
   */
  onGap(reason: string): void;
}

export interface RedisRelayOptions {
  url: string;
  logger: Logger;
  /** The stream every instance writes to and reads from. */
  streamKey?: string;
  /** Approximate length the stream is trimmed to (XADD MAXLEN ~). */
  maxLength?: number;
  /** How often an instance announces its latest message number, so a lost last message is noticed too. */
  heartbeatMs?: number;
}

const KIND_CODES: Record<string, RelayKind | 'heartbeat'> = { u: 'update', a: 'awareness', r: 'revoke', x: 'event-deleted', h: 'heartbeat' };
const CODE_OF: Record<RelayKind, string> = { update: 'u', awareness: 'a', revoke: 'r', 'event-deleted': 'x' };

/**
 * Relays changes between server instances through one Redis Stream.
 *
 * Every instance XADDs its durable updates and presence changes, numbered 1, 2, 3… per instance, and
 * XREADs the whole stream (skipping its own). Nothing can be lost silently:
 * - a reader that sees a publisher's number jump (messages trimmed away, or an XADD that never reached
 *   Redis), or a heartbeat announcing a number it has not seen, reports a gap;
 * - a reader whose connection to Redis dropped reports a gap when it is back;
 * and a gap makes the caller reload its docs from PostgreSQL, where every update was committed BEFORE it
 * was published. Applying the stored state again is harmless: Yjs updates are idempotent.
 */
export class RedisRelay {
  readonly instanceId = randomUUID();
  private readonly writer: Redis;
  private readonly reader: Redis;
  private readonly options: Required<Omit<RedisRelayOptions, 'logger' | 'url'>> & { logger: Logger };
  private handlers: RelayHandlers | null = null;
  private published = 0;
  private readonly lastSeen = new Map<string, number>();
  private cursor = '0-0';
  private running = false;
  private readLoop: Promise<void> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readerWasReady = false;

  private constructor(options: RedisRelayOptions) {
    this.options = {
      streamKey: options.streamKey ?? 'tablemap:relay',
      maxLength: options.maxLength ?? 100_000,
      heartbeatMs: options.heartbeatMs ?? 1000,
      logger: options.logger,
    };
    const common = {
      // Commands wait through an outage instead of failing: a publish queued while Redis restarts is sent after.
      maxRetriesPerRequest: null,
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
      lazyConnect: true,
    };
    this.writer = new Redis(options.url, { ...common, connectionName: 'tablemap-relay-writer' });
    this.reader = new Redis(options.url, { ...common, connectionName: 'tablemap-relay-reader' });
    for (const [role, client] of [['writer', this.writer], ['reader', this.reader]] as const) {
      client.on('error', (error: Error) => this.options.logger.warn({ err: error, role }, 'redis relay connection error'));
    }
    this.reader.on('ready', () => {
      // A reconnect (not the first connect): anything published while we were away may be gone.
      if (this.readerWasReady) this.reportGap('reconnected to Redis');
      this.readerWasReady = true;
    });
  }

  static async connect(options: RedisRelayOptions): Promise<RedisRelay> {
    const relay = new RedisRelay(options);
    await Promise.all([relay.writer.connect(), relay.reader.connect()]);
    // Start reading after the newest entry: docs loaded from here on come from the database, and every
    // change committed after that load is published after this point.
    const newest = (await relay.reader.xrevrange(relay.options.streamKey, '+', '-', 'COUNT', 1))[0];
    relay.cursor = newest ? newest[0] : '0-0';
    return relay;
  }

  start(handlers: RelayHandlers): void {
    if (this.running) return;
    this.handlers = handlers;
    this.running = true;
    this.readLoop = this.readForever();
    this.heartbeat = setInterval(() => this.sendHeartbeat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  publish(kind: RelayKind, docName: string, payload: Uint8Array): void {
    if (!this.running) return;
    this.published++;
    this.xadd(CODE_OF[kind], this.published, docName, payload);
  }

  /** A token holder the facilitator removed: every instance closes their sockets. */
  publishRevocation(eventId: string, participantId: string): void {
    this.publish('revoke', '', new TextEncoder().encode(JSON.stringify({ eventId, participantId })));
  }

  /** An event was deleted: every instance closes its sockets and drops its docs. Carries only the id. */
  publishEventDeleted(eventId: string): void {
    this.publish('event-deleted', '', new TextEncoder().encode(eventId));
  }

  /**
   * Removes every stream entry whose doc name matches (a deleted event's changes), so the stream keeps
   * nothing of it. Readers that had not reached them see a gap and reload from the database, which is safe.
   */
  async forgetDocs(matches: (docName: string) => boolean): Promise<number> {
    let removed = 0;
    let start = '-';
    for (;;) {
      const entries = await this.writer.xrangeBuffer(this.options.streamKey, start, '+', 'COUNT', 1000);
      const doomed: string[] = [];
      for (const [id, fields] of entries) {
        for (let index = 0; index + 1 < fields.length; index += 2) {
          if (fields[index]!.toString() === 'd' && matches(fields[index + 1]!.toString())) doomed.push(id.toString());
        }
      }
      if (doomed.length > 0) removed += await this.writer.xdel(this.options.streamKey, ...doomed);
      if (entries.length < 1000) return removed;
      start = `(${entries[entries.length - 1]![0].toString()}`;
    }
  }

  private sendHeartbeat(): void {
    // While Redis is away heartbeats would only pile up in the offline queue.
    if (this.writer.status === 'ready') this.xadd('h', this.published, '', new Uint8Array());
  }

  private xadd(code: string, number: number, docName: string, payload: Uint8Array): void {
    this.writer
      .xadd(
        this.options.streamKey,
        'MAXLEN',
        '~',
        this.options.maxLength,
        '*',
        'i',
        this.instanceId,
        'n',
        String(number),
        'k',
        code,
        'd',
        docName,
        'p',
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
      )
      .catch((error: unknown) => {
        // Readers notice the missing number and reload from the database.
        if (this.running) this.options.logger.warn({ err: error }, 'could not publish to the relay stream');
      });
  }

  private async readForever(): Promise<void> {
    while (this.running) {
      try {
        const result = await this.reader.xreadBuffer('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', this.options.streamKey, this.cursor);
        if (!this.running) return;
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            this.cursor = id.toString();
            this.receive(fields);
          }
        }
      } catch (error) {
        if (!this.running) return;
        this.options.logger.warn({ err: error }, 'relay read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private receive(fields: Buffer[]): void {
    const values = new Map<string, Buffer>();
    for (let index = 0; index + 1 < fields.length; index += 2) values.set(fields[index]!.toString(), fields[index + 1]!);
    const instance = values.get('i')?.toString();
    const number = Number(values.get('n')?.toString());
    const kind = KIND_CODES[values.get('k')?.toString() ?? ''];
    const docName = values.get('d')?.toString() ?? '';
    const payload = values.get('p');
    if (!instance || !Number.isInteger(number) || !kind || !payload) return; // not ours: ignore
    if (instance === this.instanceId) return;
    const seen = this.lastSeen.get(instance);
    if (kind === 'heartbeat') {
      if (seen === undefined) this.lastSeen.set(instance, number);
      else if (number > seen) {
        this.lastSeen.set(instance, number);
        this.reportGap(`messages ${seen + 1}..${number} of instance ${instance} never arrived`);
      }
      return;
    }
    if (seen !== undefined && number !== seen + 1 && number > seen) {
      this.reportGap(`messages ${seen + 1}..${number - 1} of instance ${instance} never arrived`);
    }
    if (seen === undefined || number > seen) this.lastSeen.set(instance, number);
    this.handlers?.onMessage(kind, docName, new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
  }

  private reportGap(reason: string): void {
    this.options.logger.warn({ reason }, 'relay gap: reloading loaded docs from the database');
    this.handlers?.onGap(reason);
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    // Let queued publishes reach Redis (bounded), then drop both connections.
    await Promise.race([this.writer.ping().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 500))]);
    this.reader.disconnect();
    this.writer.disconnect();
    await this.readLoop?.catch(() => {});
  }
}
