/**
 * The facilitator guide and checklist are written once, as Markdown in docs/, and shown in the app from those
 * same files. This reads the little Markdown they use — headings, paragraphs, lists, checkboxes, images, links,
 * bold and code — into plain blocks that Svelte renders as elements (no HTML strings, so nothing is injected).
 */

export type Inline = { kind: 'text' | 'strong' | 'code'; text: string } | { kind: 'link'; text: string; href: string };

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; id: string }
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'checklist'; items: Inline[][] }
  | { kind: 'image'; alt: string; src: string };

const INLINE = /\*\*(.+?)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) out.push({ kind: 'text', text: text.slice(last, match.index) });
    if (match[1] !== undefined) out.push({ kind: 'strong', text: match[1] });
    else if (match[2] !== undefined) out.push({ kind: 'code', text: match[2] });
    else out.push({ kind: 'link', text: match[3]!, href: match[4]! });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function parseGuide(markdown: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', inlines: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  const addItem = (kind: 'list' | 'checklist', text: string) => {
    const previous = blocks.at(-1);
    if (previous && previous.kind === kind) previous.items.push(parseInline(text));
    else blocks.push({ kind, items: [parseInline(text)] });
  };
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    const heading = /^(#{1,3}) (.+)$/.exec(line);
    const image = /^!\[([^\]]*)\]\(([^)\s]+)\)$/.exec(line);
    const check = /^- \[[ x]\] (.+)$/.exec(line);
    const item = /^- (.+)$/.exec(line);
    if (line === '') flush();
    else if (heading) {
      flush();
      blocks.push({
        kind: 'heading',
        level: heading[1]!.length as 1 | 2 | 3,
        text: heading[2]!,
        id: slug(heading[2]!),
      });
    } else if (image) {
      flush();
      blocks.push({ kind: 'image', alt: image[1]!, src: image[2]! });
    } else if (check) {
      flush();
      addItem('checklist', check[1]!);
    } else if (item) {
      flush();
      addItem('list', item[1]!);
    } else {
      const previous = blocks.at(-1);
      // A wrapped list item continues on the next line.
      if (
        paragraph.length === 0 &&
        previous &&
        (previous.kind === 'list' || previous.kind === 'checklist') &&
        raw.startsWith('  ')
      ) {
        const items = previous.items;
        items[items.length - 1] = parseInline(`${inlineText(items.at(-1)!)} ${line}`);
      } else paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

function inlineText(inlines: Inline[]): string {
  return inlines
    .map((inline) =>
      inline.kind === 'strong'
        ? `**${inline.text}**`
        : inline.kind === 'code'
          ? `\`${inline.text}\``
          : inline.kind === 'link'
            ? `[${inline.text}](${inline.href})`
            : inline.text,
    )
    .join('');
}
