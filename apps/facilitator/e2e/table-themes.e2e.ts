/**
 * The facilitator's merge of the tables' own themes: three tables name a theme alike, the merge view
 * suggests them together, and after the facilitator confirms there is one event theme raised by 3 tables.
 * A theme only one table raised stays visible as "raised by one table".
 */
import { expect, test } from '@playwright/test';
import { createTableTheme } from '@tablemap/model';
import { expectNoSeriousViolations } from './axe.ts';
import { createEventViaUi, joinAsParticipant, openTableAs } from './helpers.ts';
import { addNote } from './model-helpers.ts';

const TABLES = [
  { tableId: 't1', group: 'carer', title: 'Waiting times', notes: ['Eighteen months on the list for therapy', 'Nobody calls back'] },
  { tableId: 't2', group: 'lived_experience', title: 'waiting lists', notes: ['The list is closed to new referrals'] },
  { tableId: 't3', group: 'commissioner', title: 'Long waits for first appointment', notes: ['First appointment after five months', 'GP referral bounced twice', 'Crisis team is the only way in'] },
];

test('three tables name a theme alike: the merge view suggests one merge, and after confirming shows one event theme raised by 3 tables', async ({ page }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Merging table themes', 4);
  const docs = [];
  for (const table of TABLES) {
    const participant = await joinAsParticipant(joinCode, table.tableId, table.group);
    const synced = await openTableAs(participant);
    docs.push(synced);
    const actor = { group: participant.group, participantId: participant.participantId };
    const noteIds = table.notes.map((text) => addNote(synced.doc, { text, kind: 'observation' }, actor));
    createTableTheme(synced.doc, { title: table.title }, actor, noteIds);
  }
  const peer = await joinAsParticipant(joinCode, 't4', 'vcse');
  const peerDoc = await openTableAs(peer);
  docs.push(peerDoc);
  const peerActor = { group: peer.group, participantId: peer.participantId };
  createTableTheme(peerDoc.doc, { title: 'Peer support works' }, peerActor, [addNote(peerDoc.doc, { text: 'The library peer group', kind: 'idea' }, peerActor)]);

  // The dashboard card shows each table's board live: count and titles.
  const card = page.locator('[data-table-id="t3"]');
  await expect(card.getByTestId('theme-count')).toHaveText('1');
  await expect(card.getByTestId('table-theme-titles')).toHaveText('Long waits for first appointment');

  await page.getByRole('link', { name: 'Table themes' }).click();
  await expect(page.getByRole('heading', { name: 'Table themes', level: 1 })).toBeVisible();
  const suggestion = page.getByRole('listitem', { name: /^Suggested merge:/ });
  await expect(suggestion).toHaveCount(1);
  await expect(suggestion).toContainText('3 tables');
  for (const table of TABLES) await expect(suggestion).toContainText(`“${table.title}”`);
  await expect(suggestion).not.toContainText('Peer support works');
  // Nothing is merged before the facilitator confirms.
  await expect(page.getByRole('heading', { name: 'Event themes (0)' })).toBeVisible();

  await suggestion.getByLabel('Event theme title').fill('Waiting for help');
  await suggestion.getByRole('button', { name: 'Merge into one theme' }).click();
  const merged = page.locator('[data-theme-id]').filter({ has: page.getByRole('heading', { name: 'Waiting for help' }) });
  await expect(merged.getByTestId('raised-by')).toHaveText('Raised by 3 tables');
  await expect(merged).toContainText('6 notes');
  await expect(merged.getByRole('list', { name: 'Tables that raised Waiting for help' }).getByRole('listitem')).toHaveCount(3);
  await expect(merged).toContainText('Carers and family 2');
  await expect(page.getByRole('listitem', { name: /^Suggested merge:/ })).toHaveCount(0);

  // The minority voice stays: kept as its own theme, raised by one table.
  await page.getByRole('button', { name: 'Keep as its own theme: “Peer support works” from Table 4' }).click();
  const own = page.locator('[data-theme-id]').filter({ has: page.getByRole('heading', { name: 'Peer support works' }) });
  await expect(own.getByTestId('raised-by')).toHaveText('Raised by one table');
  await expect(page.getByRole('heading', { name: 'Not merged yet (0)' })).toBeVisible();
  await expectNoSeriousViolations(page, 'table themes merge view');

  // The existing theme board works on top: the merged notes are in the event theme there.
  await page.getByRole('link', { name: 'Theme board', exact: true }).click();
  const boardTheme = page.getByRole('region', { name: 'Waiting for help', exact: true });
  await expect(boardTheme.getByTestId('theme-note-count')).toHaveText('6');
  await expect(boardTheme.getByTestId('theme-raised-by')).toContainText('Raised by 3 tables');

  await page.goto(`/facilitate/${eventId}/themes`);
  const takeOut = page.getByRole('button', { name: 'Take out: “waiting lists” from Table 2, of Waiting for help' });
  await takeOut.click();
  await expect(merged.getByTestId('raised-by')).toHaveText('Raised by 2 tables');
  await expect(page.getByRole('heading', { name: 'Not merged yet (1)' })).toBeVisible();
  for (const synced of docs) synced.destroy();
});
