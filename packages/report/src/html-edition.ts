import type { RichBlock, RichText } from '@tablemap/model';
import { DEMO_MARK, anchorFor, type Block, type Cell, type ReportDocument, type ResolvedQuote } from './blocks.ts';
import { escapeXml as escape, renderMapSvg } from './map-svg.ts';

/**
 * The accessible edition: one self-contained HTML file (WCAG 2.2 AA is the aim; axe-core finds no
 * violations in the tests). Semantic headings, a skip link and a contents list, tables with header
 * cells, maps as inline SVG with a text alternative, no script and no external request of any kind
 * (its own Content-Security-Policy forbids them), system fonts and a print style sheet.
 */

/** `default-src 'none'`: the file can load nothing; only its own inline styles and inline images apply. */
export const HTML_EDITION_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export const EDITION_CSS = `
:root { color-scheme: light; --ink: #1b2a3a; --accent: #1f4e79; --muted: #4d5661; --rule: #c9d1da; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", Roboto, Arial, sans-serif; font-size: 1.0625rem; line-height: 1.55; color: var(--ink); background: #ffffff; }
.skip { position: absolute; left: 0.5rem; top: -4rem; background: var(--accent); color: #ffffff; padding: 0.75rem 1rem; z-index: 1; }
.skip:focus { top: 0.5rem; }
header, main, nav.contents { max-width: 48rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 2.5rem; }
h1 { font-size: 2.1rem; line-height: 1.2; color: var(--accent); margin: 0 0 0.5rem; }
h2 { font-size: 1.6rem; color: var(--accent); margin: 3rem 0 0.75rem; padding-top: 0.75rem; border-top: 2px solid var(--rule); }
h3 { font-size: 1.25rem; margin: 1.75rem 0 0.5rem; }
h4 { font-size: 1.075rem; margin: 1.25rem 0 0.4rem; }
.subtitle, .meta { color: var(--muted); }
.meta { font-size: 0.95rem; }
.demo { display: inline-block; font-weight: 700; color: #991b1b; border: 2px solid #991b1b; padding: 0.25rem 0.5rem; }
.empty { color: var(--muted); font-style: italic; }
a { color: var(--accent); }
a:focus-visible, .skip:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
nav.contents ol { padding-left: 1.4rem; }
nav.contents ol ol { list-style: disc; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1.25rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.num, th.num { text-align: right; }
td.center, th.center { text-align: center; }
td.missing { color: #a3001b; }
blockquote { margin: 1rem 0; padding: 0.25rem 1rem; border-left: 4px solid var(--accent); background: #f4f7fa; }
blockquote p { margin: 0.4rem 0; }
blockquote footer { color: var(--muted); font-size: 0.95rem; }
figure { margin: 1rem 0 1.5rem; }
figure svg { width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-weight: 600; margin-top: 0.4rem; }
.map-text { font-size: 0.95rem; }
.map-text p { margin: 0.2rem 0; }
.note { margin: 0.3rem 0; }
@media print {
  .skip, nav.contents { display: none; }
  body { font-size: 11pt; }
  h2 { break-before: page; border-top: none; }
  tr, blockquote, figure { break-inside: avoid; }
  a { color: inherit; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; }
}
`;

interface HtmlState {
  anchors: Set<string>;
  contents: { id: string; text: string; children: { id: string; text: string }[] }[];
  figures: number;
}

function cellHtml(cell: Cell, tag: 'td' | 'th'): string {
  if (typeof cell === 'string') return `<${tag} dir="auto">${escape(cell)}</${tag}>`;
  const classes = [cell.align === 'right' ? 'num' : cell.align === 'center' ? 'center' : '', cell.colour === '#b00020' ? 'missing' : ''].filter(Boolean);
  const text = cell.bold ? `<strong>${escape(cell.text)}</strong>` : escape(cell.text);
  return `<${tag} dir="auto"${classes.length ? ` class="${classes.join(' ')}"` : ''}>${text}</${tag}>`;
}

function tableHtml(block: Extract<Block, { kind: 'table' }>): string {
  const head = block.headers.map((text) => `<th scope="col"${/^\d+$/.test(text) ? ' class="center"' : ''}>${escape(text)}</th>`).join('');
  // The first column names the row, so it is a row header.
  const rows = block.rows.map((row) => `<tr>${row.map((cell, index) => (index === 0 ? cellHtml(cell, 'th').replace('<th', '<th scope="row"') : cellHtml(cell, 'td'))).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

function quoteHtml(quote: ResolvedQuote): string {
  return `<blockquote><p dir="auto">“${escape(quote.text)}”</p><footer>— ${escape(quote.attribution)}</footer></blockquote>`;
}

function runsHtml(runs: RichText[] | undefined): string {
  return (runs ?? [])
    .map((run) => {
      let html = escape(run.text);
      for (const mark of run.marks ?? []) {
        if (mark.type === 'bold') html = `<strong>${html}</strong>`;
        if (mark.type === 'italic') html = `<em>${html}</em>`;
        if (mark.type === 'link') html = `<a href="${escape(mark.attrs.href)}">${html}</a>`;
      }
      return html;
    })
    .join('');
}

/** Rich text headings sit below the section's own heading: level 2 → h3, level 3 → h4. */
function richHtml(blocks: RichBlock[], quotes: Record<string, ResolvedQuote>): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'paragraph':
          return `<p dir="auto">${runsHtml(block.content)}</p>`;
        case 'heading':
          return `<h${block.attrs.level + 1} dir="auto">${runsHtml(block.content)}</h${block.attrs.level + 1}>`;
        case 'bulletList':
        case 'orderedList': {
          const tag = block.type === 'bulletList' ? 'ul' : 'ol';
          return `<${tag}>${block.content.map((item) => `<li>${richHtml(item.content, quotes)}</li>`).join('')}</${tag}>`;
        }
        case 'blockquote':
          return `<blockquote>${richHtml(block.content, quotes)}</blockquote>`;
        case 'noteQuote': {
          const quote = quotes[block.attrs.noteId];
          return quote ? quoteHtml(quote) : '';
        }
      }
    })
    .join('\n');
}

function mapHtml(block: Extract<Block, { kind: 'map' }>, state: HtmlState): string {
  const id = `map-${++state.figures}`;
  // The browser shapes every script itself, so labels stay plain text; the SVG is named by its caption
  // and described by the text summary below it.
  const svg = renderMapSvg(block.input, { width: block.width, height: block.height, maxLabels: block.maxLabels }).replace(
    /role="img" aria-label="[^"]*"/,
    `role="img" aria-labelledby="${id}-caption" aria-describedby="${id}-text"`,
  );
  const lines = block.description.split('\n').map((line) => `<p dir="auto">${escape(line)}</p>`).join('');
  return `<figure aria-labelledby="${id}-caption">${svg}<figcaption id="${id}-caption">${escape(block.caption)}</figcaption><div class="map-text" id="${id}-text">${lines}</div></figure>`;
}

function blockHtml(block: Block, state: HtmlState, section: HtmlState['contents'][number]): string {
  switch (block.kind) {
    case 'heading': {
      const id = anchorFor(block.text, state.anchors);
      if (block.inContents) section.children.push({ id, text: block.text });
      return `<h${block.level + 1} id="${id}" dir="auto">${escape(block.text)}</h${block.level + 1}>`;
    }
    case 'paragraph':
      return `<p dir="auto"${block.tone ? ` class="${block.tone}"` : ''}>${escape(block.text)}</p>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}${block.tone ? ` class="meta"` : ''}>${block.items.map((item) => `<li dir="auto">${escape(item)}</li>`).join('')}</${tag}>`;
    }
    case 'table':
      return tableHtml(block);
    case 'map':
      return mapHtml(block, state);
    case 'quote':
      return quoteHtml(block);
    case 'note':
      return `<p class="note" dir="auto">${escape(block.text)} <span class="meta">${escape(block.detail)}</span></p>`;
    case 'rich':
      return richHtml(block.doc.content, block.quotes);
  }
}

function contentsHtml(contents: HtmlState['contents']): string {
  const items = contents
    .map((entry) => {
      const children = entry.children.length ? `<ol>${entry.children.map((child) => `<li><a href="#${child.id}">${escape(child.text)}</a></li>`).join('')}</ol>` : '';
      return `<li><a href="#${entry.id}">${escape(entry.text)}</a>${children}</li>`;
    })
    .join('\n');
  return `<nav class="contents" aria-labelledby="contents-heading"><h2 id="contents-heading">Contents</h2><ol>\n${items}\n</ol></nav>`;
}

/** The accessible HTML edition of a report document, as one string. */
export function reportHtml(document: ReportDocument): string {
  const state: HtmlState = { anchors: new Set(['main', 'contents-heading']), contents: [], figures: 0 };
  const sections = document.sections.map((section) => {
    const id = anchorFor(section.title, state.anchors);
    const entry = { id, text: section.title, children: [] as { id: string; text: string }[] };
    state.contents.push(entry);
    const body = section.blocks.map((block) => blockHtml(block, state, entry)).join('\n');
    return `<section aria-labelledby="${id}"><h2 id="${id}">${escape(section.title)}</h2>\n${body}\n</section>`;
  });
  const cover = document.cover;
  const header = [
    document.demo ? `<p class="demo">${escape(DEMO_MARK)}</p>` : '',
    `<h1 dir="auto">${escape(document.title)}</h1>`,
    cover ? `<p class="subtitle">${escape(cover.subtitle)}</p>` : '',
    cover?.details ? `<p class="subtitle" dir="auto">${escape(cover.details)}</p>` : '',
    cover?.description ? `<p dir="auto">${escape(cover.description)}</p>` : '',
    cover?.preparedBy ? `<p class="meta" dir="auto">${escape(cover.preparedBy)}</p>` : '',
  ].join('');
  const footer = document.retainUntil ? `<p class="meta">Event data is deleted on ${escape(document.retainUntil)}.</p>` : '';
  return `<!doctype html>
<html lang="${escape(document.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${HTML_EDITION_CSP}">
<meta name="referrer" content="no-referrer">
<title>${escape(document.title)}: learning exchange report</title>
<style>${EDITION_CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<header>${header}</header>
${contentsHtml(state.contents)}
<main id="main" tabindex="-1">
${sections.join('\n')}
${footer}
</main>
</body>
</html>
`;
}
