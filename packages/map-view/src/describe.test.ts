import { describe, expect, it } from 'vitest';
import type { Link, Organisation } from '@tablemap/model';
import { DEFAULT_SECTORS } from '@tablemap/model';
import { describeMap } from './describe.ts';
import { sectorStyle } from './styles.ts';

const org = (id: string, name: string, sector: string): Organisation => ({
  id, name, sector, locality: '', remit: '', addedByGroup: 'carer', createdAt: 1,
});
const link = (id: string, source: string, target: string, patch: Partial<Link> = {}): Link => ({
  id, source, target, kind: 'refers_to', mutual: false, strength: 2, status: 'existing', note: '',
  addedByGroup: 'carer', createdAt: 1, ...patch,
});

describe('describeMap', () => {
  it('says when the map is empty', () => {
    expect(describeMap([], [], DEFAULT_SECTORS.slice())).toMatch(/empty/);
  });

  it('groups organisations by sector label and lists links in words', () => {
    const orgs = [org('aaaaaaaa', 'Mind Riverside', 'vcse'), org('bbbbbbbb', 'Riverside Housing', 'housing')];
    const text = describeMap(orgs, [link('llllllll', 'aaaaaaaa', 'bbbbbbbb', { status: 'wanted' })], DEFAULT_SECTORS.slice());
    expect(text).toContain('The map has 2 organisations and 1 link.');
    expect(text).toContain('Housing: Riverside Housing.');
    expect(text).toContain('Mind Riverside refers people to → Riverside Housing (wanted).');
  });

  it('keeps user text verbatim (no markup is interpreted)', () => {
    const text = describeMap([org('aaaaaaaa', '<script>x</script>', 'other')], [], DEFAULT_SECTORS.slice());
    expect(text).toContain('<script>x</script>');
  });

  it('shows mutual links with a two-way arrow and skips links to removed organisations', () => {
    const orgs = [org('aaaaaaaa', 'A', 'vcse'), org('bbbbbbbb', 'B', 'vcse')];
    const text = describeMap(orgs, [
      link('l1111111', 'aaaaaaaa', 'bbbbbbbb', { kind: 'collaborates', mutual: true }),
      link('l2222222', 'aaaaaaaa', 'gone0000'),
    ], DEFAULT_SECTORS.slice());
    expect(text).toContain('A works jointly with ↔ B.');
    expect(text).toContain('1 link.');
  });
});

describe('sectorStyle', () => {
  it('gives every default sector a distinct colour and shape pair', () => {
    const pairs = DEFAULT_SECTORS.map((sector) => {
      const style = sectorStyle(sector.id);
      return `${style.colour}/${style.shape}`;
    });
    expect(new Set(pairs).size).toBe(DEFAULT_SECTORS.length);
  });
  it('is stable for custom sectors', () => {
    expect(sectorStyle('my_custom')).toEqual(sectorStyle('my_custom'));
  });
});
