import * as v from 'valibot';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { checkUpdate } from './update-check.ts';
import { docAccess } from './roles.ts';
import { parseDocName } from './doc-names.ts';
import { migrate } from './versions.ts';
import { ReportNarrativeSchema, readReportNarrative, setEasyReadPoint, setRecommendation, writeRichText, type RichDoc } from './narrative.ts';

const intro: RichDoc = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Why we met' }] },
    { type: 'paragraph', content: [{ type: 'text', text: 'Plain, ' }, { type: 'text', text: 'bold', marks: [{ type: 'bold' }] }, { type: 'text', text: ' link', marks: [{ type: 'link', attrs: { href: 'https://example.org' } }] }] },
    { type: 'orderedList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'One' }] }] }] },
    { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Quoted' }] }] },
    { type: 'noteQuote', attrs: { noteId: 'table1/note1' } },
  ],
};

describe('the report doc', () => {
  it('reads back a section written the way a collaborative editor writes it', () => {
    const doc = new Y.Doc();
    migrate(doc, 'report');
    writeRichText(doc, 'introduction', intro);
    expect(readReportNarrative(doc).sections.introduction).toEqual(intro);
  });

  it('drops anything outside the allowed nodes and marks: a script, an image with onerror, a javascript: link', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('introduction');
    const script = new Y.XmlElement('script');
    script.insert(0, [new Y.XmlText('alert(1)')]);
    const image = new Y.XmlElement('image');
    image.setAttribute('src', 'x');
    image.setAttribute('onerror', 'alert(2)');
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    fragment.insert(0, [script, image, paragraph]);
    text.insert(0, 'click me', { link: { href: 'javascript:alert(3)' }, underline: {}, bold: {} });
    const read = readReportNarrative(doc).sections.introduction!;
    expect(read).toEqual({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'click me', marks: [{ type: 'bold' }] }] }] });
    expect(JSON.stringify(read)).not.toMatch(/alert|onerror|javascript/);
  });

  it('keeps recommendations and easy-read points in order and skips malformed ones', () => {
    const doc = new Y.Doc();
    setRecommendation(doc, { id: 'rec2', text: 'Second', themeIds: ['themea'], order: 2 });
    setRecommendation(doc, { id: 'rec1', text: 'First', order: 1 });
    setEasyReadPoint(doc, { id: 'pt1', part: 'heard', text: 'Waiting is too long.', icon: 'alert' });
    doc.getMap('easyRead').set('junk', { id: 'junk', part: 'elsewhere', text: '' });
    const narrative = readReportNarrative(doc);
    expect(narrative.recommendations.map((r) => r.text)).toEqual(['First', 'Second']);
    expect(narrative.easyRead).toEqual([{ id: 'pt1', part: 'heard', text: 'Waiting is too long.', icon: 'alert', order: 0 }]);
    expect(() => setRecommendation(doc, { id: 'rec3', text: '   ' })).toThrow(/a recommendation needs text/);
  });

  it('is open to facilitators only, and accepts a facilitator’s rich-text change while refusing an unknown root', () => {
    const ref = parseDocName('report/event1')!;
    expect(ref).toEqual({ kind: 'report', eventId: 'event1' });
    expect(docAccess({ eventId: 'event1', role: 'facilitator', participantId: 'f1' }, ref)).toBe('write');
    for (const role of ['participant', 'scribe', 'observer'] as const) expect(docAccess({ eventId: 'event1', role, participantId: 'p1', tableId: 't1' }, ref)).toBe('none');
    const server = new Y.Doc();
    migrate(server, 'report');
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(client);
    writeRichText(client, 'introduction', intro);
    const facilitator = { role: 'facilitator' as const, participantId: 'f1' };
    expect(checkUpdate(server, 'report', Y.encodeStateAsUpdate(client, before), facilitator).ok).toBe(true);
    const stray = new Y.Doc();
    stray.getXmlFragment('sidebar').insert(0, [new Y.XmlElement('paragraph')]);
    expect(checkUpdate(server, 'report', Y.encodeStateAsUpdate(stray), facilitator)).toMatchObject({ ok: false, code: 'unknown_root' });
  });

  it('limits the narrative’s size', () => {
    const long = { type: 'doc' as const, content: Array.from({ length: 7 }, () => ({ type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'x'.repeat(9_000) }] })) };
    expect(v.safeParse(ReportNarrativeSchema, { sections: { introduction: long } }).success).toBe(false);
    expect(v.safeParse(ReportNarrativeSchema, { sections: { introduction: intro } }).success).toBe(true);
  });
});
