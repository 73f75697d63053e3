import { describe, expect, it } from 'vitest';
import { parseGuide, parseInline } from './guide-markdown.ts';

describe('the guide reader', () => {
  it('reads headings, paragraphs over several lines, lists, checkboxes and images', () => {
    const blocks = parseGuide(
      [
        '# Title',
        '',
        'First line',
        'second line.',
        '',
        '- one',
        '- two',
        '',
        '- [ ] tick me',
        '- [ ] and me',
        '',
        '![A screen](../apps/x/docs/a.png)',
        '## Next step',
      ].join('\n'),
    );
    expect(blocks.map((block) => block.kind)).toEqual([
      'heading',
      'paragraph',
      'list',
      'checklist',
      'image',
      'heading',
    ]);
    expect(blocks[1]).toEqual({ kind: 'paragraph', inlines: [{ kind: 'text', text: 'First line second line.' }] });
    expect(blocks[3]).toMatchObject({ kind: 'checklist', items: [[{ text: 'tick me' }], [{ text: 'and me' }]] });
    expect(blocks[5]).toMatchObject({ kind: 'heading', level: 2, id: 'next-step' });
  });

  it('reads bold, code and links inside text, and keeps everything else as text', () => {
    expect(parseInline('Open **Try a demo** at `/check`, see [deploy](deploy.md). <b>x</b>')).toEqual([
      { kind: 'text', text: 'Open ' },
      { kind: 'strong', text: 'Try a demo' },
      { kind: 'text', text: ' at ' },
      { kind: 'code', text: '/check' },
      { kind: 'text', text: ', see ' },
      { kind: 'link', text: 'deploy', href: 'deploy.md' },
      { kind: 'text', text: '. <b>x</b>' },
    ]);
  });
});
