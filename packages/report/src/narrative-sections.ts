import type { RichBlock, RichDoc, RichText } from '@tablemap/model';
import { emptyNote, plural, type Block, type ResolvedQuote } from './blocks.ts';
import { participantsByGroup, type ReportContext } from './context.ts';

/**
 * The organisers' own sections: their rich text, checked against the notes still visible (a quote of a
 * note hidden since is dropped here, once, for every edition), and the recommendations with the themes
 * and gaps behind them.
 */

const textRun = (text: string): RichText => ({ type: 'text', text });
const paragraph = (text: string): RichBlock => ({ type: 'paragraph', content: [textRun(text)] });

/** Keeps only visible quotes and passes every text run through the report's printable filter. */
function visibleRich(ctx: ReportContext, blocks: RichBlock[]): RichBlock[] {
  const out: RichBlock[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'noteQuote':
        if (ctx.noteById.has(block.attrs.noteId)) out.push(block);
        break;
      case 'paragraph':
      case 'heading':
        out.push({ ...block, content: (block.content ?? []).map((run) => ({ ...run, text: ctx.t(run.text) })) });
        break;
      case 'blockquote':
        out.push({ type: 'blockquote', content: visibleRich(ctx, block.content) });
        break;
      default:
        out.push({ type: block.type, content: block.content.map((item) => ({ type: 'listItem', content: visibleRich(ctx, item.content) })) });
    }
  }
  return out;
}

function quotesFor(ctx: ReportContext, blocks: RichBlock[], into: Record<string, ResolvedQuote> = {}): Record<string, ResolvedQuote> {
  for (const block of blocks) {
    if (block.type === 'noteQuote') {
      const note = ctx.noteById.get(block.attrs.noteId);
      if (note) into[block.attrs.noteId] = { text: ctx.t(note.text), attribution: ctx.t(ctx.groupLabel(note.group)) };
    } else if (block.type === 'blockquote') quotesFor(ctx, block.content, into);
    else if (block.type === 'bulletList' || block.type === 'orderedList') for (const item of block.content) quotesFor(ctx, item.content, into);
  }
  return into;
}

/**
 * Headings never skip a level: a section's first heading is a heading (level 2), and a subheading
 * (level 3) comes only after one, so every edition's outline stays navigable (WCAG 1.3.1).
 */
function headingsInOrder(blocks: RichBlock[]): RichBlock[] {
  let seenHeading = false;
  return blocks.map((block) => {
    if (block.type !== 'heading') return block;
    const level = seenHeading ? block.attrs.level : 2;
    seenHeading = true;
    return level === block.attrs.level ? block : { ...block, attrs: { level } };
  });
}

/** The organisers' rich text as one block, or nothing when they wrote nothing. */
export function richBlock(ctx: ReportContext, doc: RichDoc | undefined): Block | null {
  if (!doc || doc.content.length === 0) return null;
  const content = headingsInOrder(visibleRich(ctx, doc.content));
  return { kind: 'rich', doc: { type: 'doc', content }, quotes: quotesFor(ctx, content) };
}

export function introductionSection(ctx: ReportContext): Block[] {
  return [richBlock(ctx, ctx.snapshot.narrative.sections.introduction) ?? emptyNote('No introduction was written.')];
}

export function acknowledgementsSection(ctx: ReportContext): Block[] {
  return [richBlock(ctx, ctx.snapshot.narrative.sections.acknowledgements) ?? emptyNote('No acknowledgements were written.')];
}

/**
 * What the day looked like, from the event itself: tables, rounds and their prompts, and the
 * stakeholder groups in the room (counts only). The composer starts the section from this text.
 */
export function howTheDayRanPrefill(ctx: ReportContext): RichDoc {
  const { event } = ctx.snapshot;
  const people = participantsByGroup(ctx);
  const total = [...people.counts.values()].reduce((a, b) => a + b, 0);
  const when = [event.date, event.venue].filter((part) => part.trim()).join(', ');
  const content: RichBlock[] = [
    paragraph(`${total > 0 ? `${plural(total, 'person', 'people')} took part` : 'People took part'} at ${plural(ctx.tables.length, 'table')}${when ? ` (${when})` : ''}. Each table mapped the local services it knew and wrote notes, then grouped its notes into themes.`),
  ];
  if (ctx.prompts.length > 0) {
    content.push(paragraph(`The day ran in ${plural(ctx.prompts.length, 'round')}, each with its own prompt:`));
    content.push({ type: 'orderedList', content: ctx.prompts.map((prompt) => ({ type: 'listItem', content: [paragraph(prompt.text)] })) });
  }
  const groups = [...people.counts.entries()].filter(([, n]) => n > 0);
  if (groups.length > 0) {
    content.push(paragraph('Who was in the room, by the stakeholder group they spoke for:'));
    content.push({ type: 'bulletList', content: groups.map(([group, n]) => ({ type: 'listItem', content: [paragraph(`${ctx.groupLabel(group)}: ${n}`)] })) });
  }
  return { type: 'doc', content };
}

export function howTheDayRanSection(ctx: ReportContext): Block[] {
  const written = ctx.snapshot.narrative.sections.howTheDayRan;
  return [richBlock(ctx, written && written.content.length > 0 ? written : howTheDayRanPrefill(ctx))!];
}

/** The organisers' words on the key messages, shown before the list the synthesis gives. */
export function keyMessagesText(ctx: ReportContext): Block[] {
  const block = richBlock(ctx, ctx.snapshot.narrative.sections.keyMessages);
  return block ? [block] : [];
}

export function recommendationsSection(ctx: ReportContext): Block[] {
  const { recommendations, sections } = ctx.snapshot.narrative;
  const blocks: Block[] = [];
  const intro = richBlock(ctx, sections.recommendations);
  if (intro) blocks.push(intro);
  if (recommendations.length === 0) {
    if (!intro) blocks.push(emptyNote('No recommendations were written.'));
    return blocks;
  }
  const themes = new Map(ctx.snapshot.synthesis.themes.map((theme) => [theme.id, theme]));
  recommendations.forEach((recommendation, index) => {
    blocks.push({ kind: 'heading', level: 2, text: `Recommendation ${index + 1}` });
    blocks.push({ kind: 'paragraph', text: ctx.t(recommendation.text) });
    const supporting = recommendation.themeIds.map((id) => themes.get(id)).filter((theme) => theme !== undefined);
    if (supporting.length > 0) {
      const names = supporting.map((theme) => `${ctx.t(theme.title)}${theme.isGap ? ' (gap)' : ''}`);
      blocks.push({ kind: 'paragraph', tone: 'meta', text: `Supported by: ${names.join('; ')}.` });
    }
  });
  return blocks;
}
