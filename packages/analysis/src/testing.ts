/** Small builders for tests: plain table snapshots without Yjs. */
import type { Link, LinkStatus, Organisation, RelationshipKindId } from '@tablemap/model';
import { isMutualByDefault } from '@tablemap/model';
import type { TableMapInput } from './merge.ts';

export function org(id: string, name: string, sector = 'vcse', extra: Partial<Organisation> = {}): Organisation {
  return { id, name, sector, locality: '', remit: '', addedByGroup: 'vcse', createdAt: 0, ...extra };
}

export function link(
  id: string,
  source: string,
  target: string,
  kind: RelationshipKindId = 'refers_to',
  status: LinkStatus = 'existing',
  strength = 2,
): Link {
  return { id, source, target, kind, mutual: isMutualByDefault(kind), strength, status, note: '', addedByGroup: 'vcse', createdAt: 0 };
}

export function table(tableId: string, organisations: Organisation[], links: Link[] = [], tableName = `Table ${tableId}`): TableMapInput {
  return { tableId, tableName, organisations, links };
}
