import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { addOrganisation as seedOrganisation, linkOrganisations, readEvent, setCurrentPrompt, setPhase, setTableLocked, setTranslation } from '@tablemap/model';
import { addOrganisation, createEvent, expectNoSeriousAxeViolations, facilitatorDoc, facilitatorTableDoc, flushed, joinByQrLink, type TestEvent } from './helpers.ts';

/** A message is a string, or (counted messages) variants chosen by a plural matcher. */
type Message = string | { match: Record<string, string> }[];
const messageFile = (locale: string) => JSON.parse(readFileSync(new URL(`../messages/${locale}.json`, import.meta.url), 'utf8')) as Record<string, Message>;
/** Every text of a message: itself, or each of its variants. */
const textsOf = (message: Message | undefined): string[] => (message === undefined ? [] : typeof message === 'string' ? [message] : message.flatMap((variant) => Object.values(variant.match)));
/** The plain (uncounted) messages of a locale, for finding controls by their words. */
const messages = (locale: string) =>
  Object.fromEntries(Object.entries(messageFile(locale)).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
const english = messages('en');
const englishFile = messageFile('en');

let event: TestEvent;
test.beforeAll(async () => {
  event = await createEvent('Bradford learning exchange', 5);
});

async function join(page: Page, locale: string, group: string) {
  const text = messages(locale);
  await page.getByLabel(text.home_code_label!).fill(event.joinCode);
  await page.getByRole('button', { name: text.continue }).tap();
  await page.getByRole('radio', { name: 'Table 1' }).check();
  await page.getByLabel(text.join_speak_for!).selectOption({ label: group });
  await page.getByLabel(text.join_agree!).check();
  await page.getByRole('button', { name: text.join_submit }).tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Table 1');
}

/** Whether `text` shows `fragment` as whole words (Polish "Regionalna" does not show English "Regional"). */
function shownAsWords(text: string, fragment: string): boolean {
  const escaped = fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(text);
}

/** English message texts (with their placeholders cut out) that the page shows although the locale translates them. */
async function untranslatedEnglish(page: Page, locale: string): Promise<string[]> {
  const translated = messageFile(locale);
  const shown = await page.evaluate(() => {
    const labels = [...document.querySelectorAll('[aria-label], [title], [placeholder]')].flatMap((element) =>
      ['aria-label', 'title', 'placeholder'].map((name) => element.getAttribute(name) ?? ''),
    );
    return `${document.body.innerText}\n${labels.join('\n')}`;
  });
  return Object.entries(englishFile)
    .filter(([key, value]) => !key.startsWith('$') && JSON.stringify(translated[key]) !== JSON.stringify(value))
    .flatMap(([, value]) => textsOf(value).flatMap((text) => text.split(/\{[a-zA-Z]+\}/)))
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment.length >= 4 && shownAsWords(shown, fragment));
}

test('a participant who reads Urdu gets it from the browser, and the layout runs right to left', async ({ browser }) => {
  // The facilitator has translated the first prompt and the carers' group name into Urdu.
  const facilitator = await facilitatorDoc(event);
  const prompt = readEvent(facilitator.doc).prompts[0]!;
  setTranslation(facilitator.doc, { locale: 'ur', kind: 'prompt', id: prompt.id, text: 'برادریاں اور روابط' });
  setTranslation(facilitator.doc, { locale: 'ur', kind: 'group', id: 'carer', text: 'نگہداشت کرنے والے اور خاندان' });
  setCurrentPrompt(facilitator.doc, prompt.id);
  await flushed(facilitator);
  const context = await browser.newContext({ locale: 'ur-PK', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ur');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(messages('ur').home_title!);
  await join(page, 'ur', 'نگہداشت کرنے والے اور خاندان');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('region', { name: messages('ur').prompt_region })).toContainText('برادریاں اور روابط');
  // Mirrored: the first view (the map) sits at the right end of the bottom bar, the last at the left.
  const ur = messages('ur');
  const first = await page.getByRole('tab', { name: ur.table_view_map }).boundingBox();
  const last = await page.getByRole('tab', { name: ur.table_view_themes }).boundingBox();
  expect(first!.x).toBeGreaterThan(last!.x);
  expect(await untranslatedEnglish(page, 'ur')).toEqual([]);
  await expectNoSeriousAxeViolations(page);
  await context.close();
  facilitator.destroy();
});

for (const [locale, tableId] of [
  ['cy', 't4'],
  ['pl', 't5'],
] as const) {
  test(`the ${locale} join and table screens show no untranslated English message`, async ({ page }) => {
    await page.goto('/');
    await page.getByLabel(english.language_label!).selectOption(locale);
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await page.getByLabel(messages(locale).home_code_label!).fill(event.joinCode);
    await page.getByRole('button', { name: messages(locale).continue }).tap();
    await expect(page.getByLabel(messages(locale).join_agree!)).toBeVisible();
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await page.getByRole('button', { name: messages(locale).join_submit }).tap(); // errors are translated too
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await page.goto('/');
    // The choice is remembered on this phone.
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    await join(page, locale, messages(locale).vocab_housing!); // default group names are translated
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await page.getByRole('button', { name: messages(locale).table_add_organisation }).tap();
    await expect(page.getByRole('dialog', { name: messages(locale).org_add_title })).toBeVisible();
    await page.getByRole('dialog').getByRole('button', { name: messages(locale).org_add }).tap(); // the sector error
    await expect(page.getByRole('dialog').getByRole('alert')).toHaveText(messages(locale).org_error_sector!);
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: messages(locale).table_view_notes }).tap();
    await expect(page.getByRole('heading', { name: messages(locale).notes_heading, exact: true })).toBeVisible();
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await page.getByRole('button', { name: messages(locale).table_menu }).tap();
    await expect(page.getByRole('menuitem', { name: messages(locale).table_leave })).toBeVisible();
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  test(`in ${locale} a map with a wanted link, the outline, an error toast, a locked table and the voting round show no untranslated English`, async ({ page, context }) => {
    const text = messages(locale);
    // Someone at this table already put two organisations and a wanted link on the map.
    const tableDoc = await facilitatorTableDoc(event, tableId);
    const actor = { group: 'carer', participantId: 'seed' };
    const mind = seedOrganisation(tableDoc.doc, { name: 'Bradford Mind', sector: 'vcse' }, actor);
    const housing = seedOrganisation(tableDoc.doc, { name: 'Incommunities', sector: 'housing' }, actor);
    linkOrganisations(tableDoc.doc, { source: mind, target: housing, kind: 'refers_to', status: 'wanted' }, actor);
    await flushed(tableDoc);
    tableDoc.destroy();
    await page.goto('/');
    await page.getByLabel(english.language_label!).selectOption(locale);
    await page.goto(`/join/${event.joinCode}/${tableId}`);
    await page.getByLabel(text.join_speak_for!).selectOption({ label: text.vocab_carer! });
    await page.getByLabel(text.join_agree!).check();
    await page.getByRole('button', { name: text.join_submit }).tap();
    await expect(page.getByRole('status').filter({ hasText: text.connection_live! })).toBeVisible();

    // The map's key: sector names, link kinds and the map in words.
    await page.getByRole('button', { name: text.map_key }).tap();
    const key = page.getByRole('dialog', { name: text.map_key });
    await expect(key).toContainText(text.vocab_vcse!);
    await expect(key).toContainText(`${text.link_kind_refers_to} → Incommunities (${text.link_status_word_wanted})`);
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await key.getByRole('button', { name: text.ui_close }).tap();

    // The link in the outline, with its status in words.
    await page.getByRole('tab', { name: text.table_view_outline }).tap();
    await expect(page.getByRole('region', { name: text.outline_region })).toContainText(`(${text.link_status_word_wanted})`);
    expect(await untranslatedEnglish(page, locale)).toEqual([]);

    // A refusal in a toast: "Remove what I wrote" with the Wi-Fi gone.
    await context.setOffline(true);
    await page.getByRole('button', { name: text.table_menu }).tap();
    await page.getByRole('menuitem', { name: text.table_withdraw }).tap();
    await page.getByRole('dialog', { name: text.table_withdraw_title }).getByRole('button', { name: text.table_withdraw }).tap();
    await expect(page.getByRole('alert').filter({ hasText: text.error_network! })).toBeVisible();
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await context.setOffline(false);
    await page.getByRole('dialog', { name: text.table_withdraw_title }).getByRole('button', { name: text.ui_close }).tap();

    // The facilitator locks the table: why editing stopped, in this language.
    const facilitator = await facilitatorDoc(event);
    setTableLocked(facilitator.doc, tableId, true);
    await flushed(facilitator);
    await expect(page.getByRole('status').filter({ hasText: text.blocked_table_locked! })).toBeVisible();
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    await expectNoSeriousAxeViolations(page);
    setTableLocked(facilitator.doc, tableId, false);

    // The voting round: the votes left and the shared budget, counted in this language's plural forms.
    const phaseBefore = readEvent(facilitator.doc).phase;
    setPhase(facilitator.doc, 'voting');
    await flushed(facilitator);
    await page.getByRole('tab', { name: text.table_view_notes }).tap();
    await expect(page.locator('.votes-left')).toBeVisible();
    expect(await untranslatedEnglish(page, locale)).toEqual([]);
    setPhase(facilitator.doc, phaseBefore);
    await flushed(facilitator);
    facilitator.destroy();
  });
}

test('easy-read mode raises the base font size and the target sizes, and is remembered', async ({ page }) => {
  await page.goto('/');
  const fontSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  const buttonHeight = async () => (await page.getByRole('button', { name: english.continue }).boundingBox())!.height;
  const normalFont = await fontSize();
  const normalTarget = await buttonHeight();
  await page.getByLabel(english.easy_read_label!).check();
  await expect.poll(fontSize).toBeGreaterThanOrEqual(normalFont * 1.2);
  expect(await buttonHeight()).toBeGreaterThanOrEqual(56);
  expect(await buttonHeight()).toBeGreaterThan(normalTarget);
  await page.reload();
  await expect.poll(fontSize).toBeGreaterThanOrEqual(normalFont * 1.2);
  await expectNoSeriousAxeViolations(page);

  // Fewer choices: a new link starts as "works jointly with", with no direction, strength or note to decide.
  await joinByQrLink(page, event, 't3');
  await addOrganisation(page, { name: 'Bradford Mind' });
  await addOrganisation(page, { name: 'Carers Resource' });
  await page.getByRole('tab', { name: english.table_view_outline }).tap();
  await page.getByRole('button', { name: english.table_add_link }).tap();
  const sheet = page.getByRole('dialog', { name: english.link_add_title });
  await expect(sheet.getByLabel(english.link_kind!)).toHaveValue('collaborates');
  await expect(sheet.getByRole('radiogroup', { name: english.link_status })).toHaveCount(1);
  await expect(sheet.getByRole('radiogroup', { name: english.link_direction })).toHaveCount(0);
  await expect(sheet.getByRole('radiogroup', { name: english.link_strength })).toHaveCount(0);
  await expect(sheet.getByLabel(english.link_note!)).toHaveCount(0);
});
