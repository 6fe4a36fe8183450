/**
 * The run designer's fixes in Chromium against browser mode: switching presets with unsaved
 * edits asks first; presets this machine can run come first; "Estimated time" is measured from
 * an identical finished run; the schedule preview has a log scale; an enum whose default is
 * one of its options shows it once. Screenshots go to e2e/artifacts/.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { ARTIFACTS, open } from './support';

const T = Date.now().toString(36);

const field = (page: Page, path: string) => page.getByTestId(`field-${path}`).locator('input').first();
const estimated = (page: Page) => page.getByTestId('derived').locator('dt', { hasText: 'Estimated time' }).locator('xpath=following-sibling::dd[1]');

test.describe.configure({ mode: 'serial' });

test('presets that fit here come first; switching presets with edits asks; one "auto" in the backend choice', async ({ page }) => {
  await open(page, '#/design');
  const buttons = page.locator('[data-testid^="preset-"]');
  await expect(buttons.first()).toBeVisible();
  const fits = await buttons.evaluateAll((els) => els.map((e) => e.getAttribute('data-fits')));
  expect(fits.length).toBeGreaterThan(3);
  // Every preset that fits is listed before every one that does not (this machine has no GPU: the WRN presets do not fit on wasm).
  expect(fits).toContain('false');
  expect(fits.lastIndexOf('true')).toBeLessThan(fits.indexOf('false'));
  await page.screenshot({ path: `${ARTIFACTS}/30-designer-presets-fit-first.png` });

  await page.getByTestId('preset-toy-ls').click();
  await expect(page.getByTestId('spec-source')).toContainText('toy-ls');
  // Switching without edits: no question.
  await page.getByTestId('preset-toy-s').click();
  await expect(page.getByTestId('spec-source')).toContainText('toy-s');
  await expect(page.getByTestId('discard-confirm')).toHaveCount(0);

  await field(page, 'data.d').fill('24');
  await page.getByTestId('preset-toy-noise').click();
  await expect(page.getByTestId('discard-confirm')).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/31-designer-discard-confirm.png` });
  await page.getByTestId('discard-no').click();
  await expect(page.getByTestId('spec-source')).toContainText('toy-s');
  await expect(field(page, 'data.d')).toHaveValue('24');
  await page.getByTestId('preset-toy-noise').click();
  await page.getByTestId('discard-yes').click();
  await expect(page.getByTestId('spec-source')).toContainText('toy-noise');
  await expect(field(page, 'data.d')).not.toHaveValue('24');

  // S+noise offers both pre-activation noise draws (issue 17 item 8); the calibrated r = 1 preset
  // uses the shared one.
  await page.getByTestId('preset-toy-noise-r1').click();
  await expect(page.getByTestId('spec-source')).toContainText('toy-noise-r1');
  const draw = page.getByTestId('field-algorithm.noiseDraw').locator('select');
  const drawOptions = (await draw.locator('option').allInnerTexts()).map((t) => t.trim());
  expect(drawOptions.some((o) => /^shared/.test(o))).toBe(true);
  expect(drawOptions.some((o) => /^per-example/.test(o))).toBe(true);
  expect((await draw.locator('option:checked').innerText()).trim()).toMatch(/^shared/);

  // The backend select offers "auto" once (marked as the default), not also "default (auto)".
  const backend = page.getByTestId('field-backend').locator('select');
  const options = (await backend.locator('option').allInnerTexts()).map((t) => t.trim());
  expect(options.filter((o) => /auto/.test(o))).toEqual(['auto (default)']);

  // The schedule preview's log scale.
  const log = page.getByTestId('schedule-log');
  await log.check();
  await expect(log).toBeChecked();
});

test('Estimated time comes from an identical run once it has finished', async ({ page }) => {
  test.setTimeout(180_000);
  await open(page, '#/design');
  await page.getByTestId('preset-toy-s').click();
  // A shape no other e2e run has: nothing to time it by yet.
  await field(page, 'data.d').fill('12');
  await field(page, 'data.testSize').fill('100');
  await field(page, 'model.width').fill('12');
  await field(page, 'stopping.maxIterations').fill('200');
  await field(page, 'name').fill(`e2e estimate ${T}`);
  await expect(estimated(page)).toHaveText('unknown');
  await page.getByTestId('launch').click();
  await expect(page).toHaveURL(/#\/run\//);
  await expect(page.getByTestId('live-progress')).toHaveAttribute('aria-valuenow', '100', { timeout: 120_000 });
  await page.getByTestId('nav-design').click();
  await expect(estimated(page)).toHaveText(/^≈ \d/);
  await expect(page.getByTestId('derived').locator('dt', { hasText: 'Estimated time' })).toHaveAttribute('title', /1 identical finished run/);
  await page.screenshot({ path: `${ARTIFACTS}/32-designer-estimated-time.png` });
});
