import { expect, test, type Page } from '@playwright/test';
import type * as Y from 'yjs';
import { expectNoSeriousViolations } from './axe.ts';
import { createEventViaUi, eventually, joinAsParticipant, openAsFacilitator, openTableAs, storedFacilitatorToken } from './helpers.ts';
import { addNote, castThemeVote, castVote, readSynthesis } from './model-helpers.ts';

const RULES = { votesPerParticipant: 3, allowStackedVotes: false };

const noteCard = (page: Page, text: string) => page.getByRole('list', { name: 'Notes' }).getByRole('article', { name: text });
const theme = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });

async function createTheme(page: Page, title: string, description = '') {
  await page.getByLabel('New theme title').fill(title);
  await page.getByLabel('Short description').fill(description);
  await page.getByRole('button', { name: 'Create theme' }).click();
  await expect(theme(page, title)).toBeVisible();
}

test('notes from three tables are clustered into two themes by drag and by menu, and votes show by stakeholder group', async ({ page, browser }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Synthesis check', 3);
  const carer = await joinAsParticipant(joinCode, 't1', 'carer');
  const housing = await joinAsParticipant(joinCode, 't2', 'housing');
  const commissioner = await joinAsParticipant(joinCode, 't3', 'commissioner');
  const [carerTable, housingTable, commissionerTable] = await Promise.all([carer, housing, commissioner].map(openTableAs));
  const write = (doc: Y.Doc, who: typeof carer, text: string, kind: 'gap' | 'observation' | 'idea') =>
    addNote(doc, { text, kind }, { group: who.group, participantId: who.participantId });
  write(carerTable!.doc, carer, 'Crisis line never answers at night', 'gap');
  write(housingTable!.doc, housing, 'A&E is the only place open after 6pm', 'observation');
  write(housingTable!.doc, housing, 'Peer café helps people stay well', 'observation');
  const commissionerNote = write(commissionerTable!.doc, commissioner, 'Fund a peer-led crisis café', 'idea');

  await page.getByRole('link', { name: 'Theme board' }).click();
  await expect(page.getByRole('heading', { name: 'Theme board', level: 1 })).toBeVisible();
  await expect(page.getByTestId('note-filter-count')).toHaveText('Showing 4 of 4 notes');

  // Filters and search narrow the list.
  await page.getByLabel('Table', { exact: true }).selectOption({ label: 'Table 2' });
  await expect(page.getByTestId('note-filter-count')).toHaveText('Showing 2 of 4 notes');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Stakeholder group').selectOption('commissioner');
  await expect(page.getByTestId('note-filter-count')).toHaveText('Showing 1 of 4 notes');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Search notes').fill('cafe');
  await expect(page.getByTestId('note-filter-count')).toHaveText('Showing 2 of 4 notes');
  await page.getByRole('button', { name: 'Clear filters' }).click();

  await createTheme(page, 'Nowhere to go at night', 'Out-of-hours crisis support');
  await createTheme(page, 'Peer support works', 'People trust peer-led places');

  // By drag (pointer), from two tables into the first theme.
  await noteCard(page, 'Crisis line never answers at night').dragTo(theme(page, 'Nowhere to go at night'));
  await expect(theme(page, 'Nowhere to go at night').getByTestId('theme-note-count')).toHaveText('1');
  await noteCard(page, 'A&E is the only place open after 6pm').dragTo(theme(page, 'Nowhere to go at night'));
  await expect(theme(page, 'Nowhere to go at night').getByTestId('theme-note-count')).toHaveText('2');

  // By the keyboard-usable menu on each card.
  const peerCafe = noteCard(page, 'Peer café helps people stay well').getByLabel(/^Theme for note/);
  await peerCafe.focus();
  await peerCafe.selectOption({ label: 'Peer support works' });
  await noteCard(page, 'Fund a peer-led crisis café').getByLabel(/^Theme for note/).selectOption({ label: 'Peer support works' });
  await expect(theme(page, 'Peer support works').getByTestId('theme-note-count')).toHaveText('2');
  await expect(theme(page, 'Nowhere to go at night')).toContainText('2 notes from 2 tables');

  // Stored in the synthesis doc, where a second facilitator (or the report) reads it.
  const token = await storedFacilitatorToken(page, eventId);
  const second = openAsFacilitator(token, `synthesis/${eventId}`);
  await second.ready;
  const themeId = (title: string) => readSynthesis(second.doc).themes.find((entry) => entry.title === title)?.id ?? '';
  await eventually(() => Object.values(readSynthesis(second.doc).noteThemes).sort(), [themeId('Nowhere to go at night'), themeId('Nowhere to go at night'), themeId('Peer support works'), themeId('Peer support works')].sort());

  // Split one note off into a new theme, then merge it back.
  const night = theme(page, 'Nowhere to go at night');
  await night.getByLabel(/Split off.*A&E/).check();
  await night.getByLabel('New theme title').fill('A&E as default');
  await night.getByRole('button', { name: 'Split 1 note into a new theme' }).click();
  await expect(theme(page, 'A&E as default').getByTestId('theme-note-count')).toHaveText('1');
  await expect(night.getByTestId('theme-note-count')).toHaveText('1');
  await theme(page, 'A&E as default').getByLabel('Merge into').selectOption({ label: 'Nowhere to go at night' });
  await theme(page, 'A&E as default').getByRole('button', { name: /^Merge/ }).click();
  await expect(theme(page, 'A&E as default')).toHaveCount(0);
  await expect(night.getByTestId('theme-note-count')).toHaveText('2');

  // Marking, quotes, next steps and redaction.
  await night.getByRole('button', { name: 'Gap (theme Nowhere to go at night)' }).click();
  await expect(night.getByRole('button', { name: 'Gap (theme Nowhere to go at night)' })).toHaveAttribute('aria-pressed', 'true');
  await night.getByLabel(/Quote.*Crisis line/).check();
  await expect(night.getByText('Quotes for the report: 1 of 3')).toBeVisible();
  await night.getByText('Next steps (0)').click();
  await night.getByLabel('Action').fill('Pilot a night-time crisis café');
  await night.getByLabel('Owner sector').selectOption({ label: 'Commissioners (integrated care boards)' });
  await night.getByLabel('Timescale').fill('within 6 months');
  await night.getByRole('button', { name: 'Add next step' }).click();
  await expect(night.getByText('Next steps (1)')).toBeVisible();
  await noteCard(page, 'Peer café helps people stay well').getByRole('button', { name: /^Hide from report/ }).click();
  await expect(noteCard(page, 'Peer café helps people stay well').getByText('Hidden from report')).toBeVisible();
  await eventually(() => {
    const synthesis = readSynthesis(second.doc);
    const stored = synthesis.themes.find((entry) => entry.title === 'Nowhere to go at night');
    return [stored?.isGap, stored?.quoteNoteRefs.length, stored?.nextSteps[0]?.ownerSector, synthesis.hiddenNoteRefs.length];
  }, [true, 1, 'commissioner', 1]);

  // Two participants from different groups vote from their own table docs.
  const carerActor = { group: 'carer', participantId: carer.participantId };
  const commissionerActor = { group: 'commissioner', participantId: commissioner.participantId };
  castThemeVote(carerTable!.doc, themeId('Nowhere to go at night'), carerActor, RULES);
  castThemeVote(commissionerTable!.doc, themeId('Peer support works'), commissionerActor, RULES);
  castVote(commissionerTable!.doc, commissionerNote, commissionerActor, RULES);

  await expect(night.getByTestId('theme-votes')).toHaveText('1');
  await expect(night.getByTestId('theme-breakdown')).toHaveText('Carers and family: 1');
  await expect(theme(page, 'Peer support works').getByTestId('theme-breakdown')).toHaveText('Commissioners (integrated care boards): 1');
  const favourites = page.getByTestId('group-favourites');
  await expect(favourites).toContainText('Carers and family cast 1 vote. Their top choice: the theme “Nowhere to go at night” (1 vote).');
  await expect(favourites).toContainText(
    'Commissioners (integrated care boards) cast 2 votes. Their top choices, with 1 vote each: the theme “Peer support works” and the note “Fund a peer-led crisis café”.',
  );
  await expect(page.getByRole('table', { name: 'Votes per theme, by stakeholder group' })).toContainText('Carers and family: 1');

  await expectNoSeriousViolations(page, 'theme board');

  // A second facilitator on another laptop works on the same board at the same time.
  const otherLaptop = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const colleague = await otherLaptop.newPage();
  await colleague.goto(`/facilitate/${eventId}/synthesis#token=${encodeURIComponent(token)}`);
  await expect(theme(colleague, 'Nowhere to go at night').getByTestId('theme-note-count')).toHaveText('2');
  await createTheme(colleague, 'Transport to services');
  await noteCard(colleague, 'Peer café helps people stay well').getByLabel(/^Theme for note/).selectOption({ label: 'Transport to services' });
  await expect(theme(page, 'Transport to services').getByTestId('theme-note-count')).toHaveText('1');
  await expect(theme(page, 'Peer support works').getByTestId('theme-note-count')).toHaveText('1');
  await otherLaptop.close();
  second.destroy();
  for (const table of [carerTable, housingTable, commissionerTable]) table?.destroy();
});
