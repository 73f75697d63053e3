import { expect, test } from '@playwright/test';
import { BASE_URL, joinByQrLink, mapLabels, type TestEvent } from './helpers.ts';

test('a phone at a demo event is told that everything there is made up', async ({ page }) => {
  const response = await fetch(`${BASE_URL}/api/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(201);
  const demo = (await response.json()) as TestEvent;
  await joinByQrLink(page, demo, 't3');
  await expect(page.getByTestId('demo-banner')).toHaveText(
    'Demo event: everything here is made up, and it will be deleted.',
  );
  await expect.poll(async () => (await mapLabels(page)).length).toBeGreaterThan(3);
});
