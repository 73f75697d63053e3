import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { noteRef, setNoteHidden, synthesisDocName } from '@tablemap/model';
import { BASE, createEventViaUi, joinAsParticipant, openAsFacilitator, openTableAs, storedFacilitatorToken } from './helpers.ts';
import { addNote } from './model-helpers.ts';

const DOCS = new URL('../docs/', import.meta.url).pathname;
const VISIBLE = 'The crisis line picked up within a minute and the worker knew the local peer groups';
const LATER_HIDDEN = 'Quoted first, hidden later: the duty nurse on ward six was dismissive';

async function openReport(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Report', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Report', level: 1 })).toBeVisible();
  await expect(page.getByTestId('editor-introduction')).toBeVisible();
}

/** Pastes HTML into an editor the way a browser does: a paste event carrying text/html. */
async function pasteHtml(page: Page, testId: string, html: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByTestId(testId).evaluate((element, markup) => {
    const data = new DataTransfer();
    data.setData('text/html', markup);
    data.setData('text/plain', 'fallback');
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, html);
}

test('two organisers write the report at once and converge; pasted scripts come out inert; quoted notes follow hiding; the HTML edition is accessible and self-contained; share links revoke', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const { eventId, joinCode } = await createEventViaUi(page, 'Riverside learning exchange', 2);
  const participant = await joinAsParticipant(joinCode, 't1', 'carer');
  const table = await openTableAs(participant);
  const actor = { group: 'carer', participantId: participant.participantId };
  addNote(table.doc, { text: VISIBLE, kind: 'quote' }, actor);
  const hiddenId = addNote(table.doc, { text: LATER_HIDDEN, kind: 'quote' }, actor);

  // A second organiser on another laptop, with a co-facilitator link.
  await page.getByText('Links for facilitators and the projector').click();
  await page.getByLabel('Name for the new link').fill('Priya’s laptop');
  await page.getByRole('button', { name: 'Make co-facilitator link' }).click();
  const link = await page.getByLabel('Link for Priya’s laptop').inputValue();
  const secondContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const second = await secondContext.newPage();
  await second.goto(link);
  await expect(second.locator('[data-status="live"]').first()).toBeVisible();
  await Promise.all([openReport(page), openReport(second)]);

  // Both type in the same section at the same moment.
  await page.getByTestId('editor-introduction').click();
  await second.getByTestId('editor-introduction').click();
  await Promise.all([
    page.getByTestId('editor-introduction').pressSequentially('Alpha wrote this sentence. ', { delay: 15 }),
    second.getByTestId('editor-introduction').pressSequentially('Beta added another one. ', { delay: 15 }),
  ]);
  for (const console of [page, second]) {
    await expect(console.getByTestId('editor-introduction')).toContainText('Alpha wrote this sentence.');
    await expect(console.getByTestId('editor-introduction')).toContainText('Beta added another one.');
  }
  await expect.poll(async () => (await page.getByTestId('editor-introduction').textContent()) === (await second.getByTestId('editor-introduction').textContent())).toBe(true);

  // Pasted HTML is parsed against the report's schema: the words stay, the script and the image do not.
  await page.evaluate(() => ((window as unknown as { pwned?: number }).pwned = 0));
  await pasteHtml(page, 'editor-acknowledgements', '<p>Thanks to <b>the hall</b> staff</p><script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2"><p onclick="window.pwned = 3">Plain words</p>');
  await expect(page.getByTestId('editor-acknowledgements')).toContainText('Thanks to the hall staff');
  await expect(second.getByTestId('editor-acknowledgements')).toContainText('Plain words');
  for (const console of [page, second]) {
    const markup = await console.getByTestId('editor-acknowledgements').innerHTML();
    expect(markup).not.toMatch(/<script|<img|onerror|onclick/i);
  }
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBe(0);
  expect(await page.getByTestId('editor-acknowledgements').locator('strong').textContent()).toBe('the hall');

  // Quote two notes by reference into the introduction, then hide one of them.
  for (const text of [VISIBLE, LATER_HIDDEN]) {
    await page.getByTestId('quote-note').selectOption({ label: `${text.length > 70 ? `${text.slice(0, 69)}…` : text} (Table 1)` });
    await page.getByRole('button', { name: 'Insert quote' }).click();
  }
  await expect(second.getByTestId('editor-introduction').locator('.note-quote')).toHaveCount(2);
  const token = await storedFacilitatorToken(page, eventId);
  const synthesis = openAsFacilitator(token, synthesisDocName(eventId));
  await synthesis.ready;
  setNoteHidden(synthesis.doc, noteRef('t1', hiddenId), true);
  await expect(page.getByTestId('editor-introduction')).toContainText('A quoted note that has been hidden');

  // "How the day ran" starts from the event, on both consoles, and can then be edited.
  await second.getByRole('button', { name: 'Start from the event' }).click();
  await expect(page.getByTestId('editor-howTheDayRan')).toContainText('took part at 2 tables');
  await expect(page.getByRole('button', { name: 'Start from the event' })).toBeDisabled();

  // A recommendation linked to nothing yet, and easy-read points.
  await page.getByLabel('New recommendation').fill('Publish one shared directory of local services');
  await page.getByRole('button', { name: 'Add recommendation' }).click();
  await expect(second.getByTestId('recommendations').locator('textarea')).toHaveValue('Publish one shared directory of local services');
  await page.getByRole('button', { name: 'Add a point to “What we heard”' }).click();
  await expect(page.getByTestId('easy-read-points').locator('input')).toHaveCount(1);

  for (const [width, height, name] of [[1440, 900, 'report-composer'], [1920, 1080, 'report-composer-1920'], [390, 844, 'report-composer-phone']] as const) {
    await page.setViewportSize({ width, height });
    // The laptop and projector shots show the composer's top; the phone shot its first editor.
    await (width < 600 ? page.getByRole('heading', { name: 'Introduction', level: 3 }) : page.getByRole('heading', { name: 'Write the report' })).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${DOCS}${name}.png` });
    // No horizontal scrolling at any size.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), name).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // The HTML edition, downloaded: the narrative and the visible quote, never the hidden note.
  const html = await (await fetch(`${BASE}/api/events/${eventId}/report.html`, { headers: { authorization: `Bearer ${token}` } })).text();
  expect(html).toContain('Alpha wrote this sentence.');
  expect(html).toContain(VISIBLE);
  expect(html).not.toContain(LATER_HIDDEN);
  expect(html).toContain('Publish one shared directory of local services');

  // A share link opens the same edition for anyone, loads nothing else, and passes axe with no violations at all.
  await page.getByRole('button', { name: 'Create a share link' }).click();
  const shareUrl = await page.getByTestId('share-link').inputValue();
  expect(shareUrl).toMatch(new RegExp(`/shared/report/${eventId}/[A-Za-z0-9_-]{43}$`));
  const readerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const reader = await readerContext.newPage();
  const requests: string[] = [];
  reader.on('request', (request) => requests.push(request.url()));
  const response = await reader.goto(shareUrl);
  expect(response?.status()).toBe(200);
  await expect(reader.getByRole('heading', { name: 'Riverside learning exchange', level: 1 })).toBeVisible();
  await expect(reader.getByText('Alpha wrote this sentence.')).toBeVisible();
  await expect(reader.locator('body')).not.toContainText(LATER_HIDDEN);
  const results = await new AxeBuilder({ page: reader }).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  // Only the page itself was fetched: no font, image, script or style from anywhere.
  expect(requests).toEqual([shareUrl]);

  // The easy-read summary's HTML, in Urdu (right to left), passes axe too.
  const easyRead = await (await fetch(`${BASE}/api/events/${eventId}/easy-read.html?language=ur`, { headers: { authorization: `Bearer ${token}` } })).text();
  await reader.setContent(easyRead);
  await expect(reader.getByRole('heading', { name: 'ہم نے کیا سنا' })).toBeVisible();
  const easyResults = await new AxeBuilder({ page: reader }).analyze();
  expect(easyResults.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);

  await page.getByRole('button', { name: /^Withdraw/ }).click();
  await expect(page.getByText('Link withdrawn')).toBeVisible();
  expect((await reader.goto(shareUrl))?.status()).toBe(410);
  await expect(reader.getByRole('heading', { name: 'This link has been withdrawn' })).toBeVisible();

  synthesis.destroy();
  table.destroy();
  await readerContext.close();
  await secondContext.close();
});
