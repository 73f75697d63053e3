import { expect, test } from '@playwright/test';
import { createEvent, expectNoSeriousAxeViolations, facilitatorTableDoc, joinByQrLink } from './helpers.ts';

test('the venue check on plain http: the server and a live connection answer, and it says the connection is not secure @both', async ({
  page,
}) => {
  await page.goto('/check');
  await expect(page.getByRole('heading', { level: 1, name: 'Venue check' })).toBeVisible();
  await expect(page.getByTestId('check-summary')).toHaveText('Something needs attention. See below.', {
    timeout: 20_000,
  });
  const row = (id: string) => page.locator(`[data-check="${id}"]`);
  await expect(row('server')).toHaveAttribute('data-outcome', 'good');
  await expect(row('server')).toContainText('The server answers.');
  await expect(row('socket')).toHaveAttribute('data-outcome', 'good');
  await expect(row('socket')).toContainText(/Live connection works\. Round trip: \d+ ms\./);
  await expect(row('secure')).toHaveAttribute('data-outcome', 'bad');
  await expect(row('secure')).toContainText('The connection is not secure (plain http).');
  await expect(row('clock')).toHaveAttribute('data-outcome', 'good');
  await expect(row('clock')).toContainText(/The server clock agrees with this phone \(difference \d+\.\d s\)\./);
  // localhost is a secure context, so the service worker may register here even over http.
  await expect(row('offline')).toHaveAttribute('data-outcome', /good|bad/);
  await expectNoSeriousAxeViolations(page);
  const again = page.getByRole('button', { name: 'Check again' });
  const box = await again.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await again.tap();
  await expect(page.getByTestId('check-summary')).toHaveText('Something needs attention. See below.', {
    timeout: 20_000,
  });
});

test('the venue check speaks the chosen language', async ({ page }) => {
  await page.goto('/check');
  await page.getByLabel('Language').selectOption('pl');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sprawdzenie miejsca');
  await expect(page.locator('[data-check="secure"]')).toContainText('Połączenie nie jest bezpieczne', {
    timeout: 20_000,
  });
});

test("a phone at a table reports its round trip in its presence, for the facilitator's dashboard", async ({ page }) => {
  const event = await createEvent('Venue check');
  await joinByQrLink(page, event, 't1');
  const table = await facilitatorTableDoc(event, 't1');
  try {
    await expect
      .poll(
        () =>
          [...table.awareness.getStates().values()]
            .map((state) => (state as { roundTripMs?: unknown }).roundTripMs)
            .find((trip) => trip !== undefined),
        {
          timeout: 15_000,
        },
      )
      .toEqual(expect.any(Number));
  } finally {
    table.destroy();
  }
});
