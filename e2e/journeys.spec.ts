/**
 * The researcher's everyday journeys through the real UI (browser mode, `lrlab serve` on a
 * temporary store started by global-setup): design a synthetic run, launch a seed group and
 * watch it finish, find runs, tag, delete and undo, re-run with an edit. Each journey saves a
 * screenshot to e2e/artifacts/ for a person to look at.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { ARTIFACTS, open, watchConsole } from './support';


/** Names unique to this e2e run, so the journeys find their own runs even in a used store. */
const TAG = Date.now().toString(36);
const GROUP_NAME = `e2e tiny ${TAG}`;
const RERUN_NAME = `e2e re-run ${TAG}`;

/** The first preset of the designer's "Synthetic" group. */
async function pickSyntheticPreset(page: Page): Promise<string> {
  const group = page.locator('h3', { hasText: /^Synthetic$/ }).locator('xpath=following-sibling::ul[1]');
  const first = group.locator('[data-testid^="preset-"]').first();
  await expect(first, 'the host offers at least one synthetic preset').toBeVisible();
  const id = (await first.getAttribute('data-testid')) ?? '';
  await first.click();
  await expect(page.getByTestId('spec-source')).toContainText('Preset');
  return id.replace(/^preset-/, '');
}

const isFocused = (l: Locator): Promise<boolean> => l.evaluate((el) => el.matches(':focus'));

const field = (page: Page, path: string): Locator => page.getByTestId(`field-${path}`).locator('input').first();

async function setField(page: Page, path: string, value: string): Promise<void> {
  const input = field(page, path);
  await input.fill(value);
}

/** A spec small enough to finish in seconds on one CPU core. */
async function makeTiny(page: Page): Promise<void> {
  await setField(page, 'data.d', '16');
  await setField(page, 'data.testSize', '200');
  await setField(page, 'model.width', '16');
  await setField(page, 'stopping.maxIterations', '300');
  await setField(page, 'logging.every', '20');
  await expect(page.getByTestId('launch')).toBeEnabled();
}

async function launchGroup(page: Page, seeds: number, name: string): Promise<void> {
  await setField(page, 'name', name);
  await page.getByTestId('seed-count').fill(String(seeds));
  await expect(page.getByTestId('launch')).toHaveText(seeds > 1 ? `Launch ${seeds} runs` : 'Launch run');
  await expect(page.getByTestId('launch')).toBeEnabled();
  await page.getByTestId('launch').click();
  await expect(page).toHaveURL(/#\/run\//);
}

test.describe.configure({ mode: 'serial' });

test('design: pick the synthetic preset, change d, see derived values and the schedule update, and an inline error', async ({ page }) => {
  const errors = watchConsole(page);
  await open(page, '#/design');
  await pickSyntheticPreset(page);

  const derived = page.getByTestId('derived');
  await expect(derived).toBeVisible();
  await expect(page.getByTestId('schedule-preview').locator('canvas')).toBeVisible();
  const before = await derived.innerText();

  await setField(page, 'data.d', '32');
  await expect(derived).not.toHaveText(before);
  await expect(derived).not.toContainText('updating');
  await expect(page.getByTestId('launch')).toBeEnabled();
  await page.screenshot({ path: `${ARTIFACTS}/01-designer.png` });

  // The schedule preview follows the spec: a shorter run shortens the drawn schedule.
  const preview = page.getByTestId('schedule-preview');
  const drawn = await preview.getAttribute('data-summary');
  await setField(page, 'stopping.maxIterations', '500');
  await expect(preview).not.toHaveAttribute('data-summary', drawn ?? '');
  await expect(preview).toHaveAttribute('data-summary', /last x 500\b/);

  // An out-of-range value is flagged at once, with the reason, and blocks the launch.
  await setField(page, 'data.d', '1');
  const err = page.getByTestId('field-data.d').getByTestId('field-error');
  await expect(err).toContainText(/must be ≥ 2/);
  await expect(page.getByTestId('launch')).toBeDisabled();
  await expect(page.getByTestId('launch-blockers')).toContainText('data.d');
  await page.screenshot({ path: `${ARTIFACTS}/02-designer-invalid.png` });

  // Text that is not a number is flagged too; fixing it clears the error.
  await setField(page, 'data.d', '3x');
  await expect(err).toContainText('Not a number');
  await setField(page, 'data.d', '32');
  await expect(page.getByTestId('field-data.d').getByTestId('field-error')).toHaveCount(0);

  // JSON round-trips with the form.
  await page.getByTestId('tab-json').click();
  const json = page.getByTestId('spec-json');
  await expect(json).toHaveValue(/"d": 32/);
  await json.fill((await json.inputValue()).replace('"d": 32', '"d": 48'));
  await page.getByTestId('tab-form').click();
  await expect(field(page, 'data.d')).toHaveValue('48');
  expect(errors).toEqual([]);
});

test('launch a 3-seed group of a tiny spec and watch it to completion', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  await open(page, '#/design');
  await pickSyntheticPreset(page);
  await makeTiny(page);
  await launchGroup(page, 3, GROUP_NAME);

  await expect(page.getByTestId('live-name')).toContainText(GROUP_NAME);
  await expect(page.getByTestId('live-group')).toContainText('of 3 finished');
  // Curves appear while it trains, and the run finishes.
  await expect(page.locator('[data-testid^="chart-"] canvas').first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('status-badge').first()).toHaveText('completed', { timeout: 180_000 });
  await expect(page.getByTestId('live-progress')).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByTestId('live-group')).toContainText('3 of 3 finished', { timeout: 180_000 });
  await page.screenshot({ path: `${ARTIFACTS}/03-live-run.png` });
  // The theme follows the OS: switch to dark and the page and charts follow.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(21, 24, 28)');
  await page.screenshot({ path: `${ARTIFACTS}/03b-live-run-dark.png` });
  expect(errors).toEqual([]);
});

test('find the runs by search and filter, tag one, delete it and undo', async ({ page }) => {
  const errors = watchConsole(page);
  await open(page, '#/runs');
  await expect(page.getByTestId('run-count')).toBeVisible();

  await page.getByTestId('run-search').fill(GROUP_NAME);
  await expect(page.getByTestId('run-count')).toHaveText('3 runs match');
  await page.getByTestId('filter-status').click();
  await page.getByLabel('completed', { exact: true }).check();
  await expect(page.getByTestId('run-count')).toHaveText('3 runs match');
  await page.getByTestId('filter-status').click();

  // Tag the first one.
  const firstRow = page.locator('[data-testid^="run-row-"]').first();
  await firstRow.click();
  await expect(page.getByTestId('run-panel')).toBeVisible();
  await page.getByTestId('tag-input').fill('keeper');
  await page.getByTestId('tag-input').press('Enter');
  await expect(page.getByTestId('panel-tags')).toContainText('keeper');
  await expect(firstRow).toContainText('keeper');

  // Filter by the tag.
  await page.locator('#f-tag').selectOption('keeper');
  await expect(page.getByTestId('run-count')).toHaveText('1 run match');
  await page.screenshot({ path: `${ARTIFACTS}/04-runs-filtered-tagged.png` });
  await page.locator('#f-tag').selectOption('');
  await expect(page.getByTestId('run-count')).toHaveText('3 runs match');

  // Delete one, then undo.
  const victim = page.locator('[data-testid^="run-row-"]').nth(1);
  const victimId = ((await victim.getAttribute('data-testid')) ?? '').replace('run-row-', '');
  await victim.click();
  await page.getByTestId('panel-delete').click();
  await expect(page.getByTestId('run-count')).toHaveText('2 runs match');
  const notice = page.getByTestId('notice').filter({ hasText: 'Deleted 1 run.' });
  await expect(notice).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/05-runs-deleted-undo.png` });
  await notice.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('run-count')).toHaveText('3 runs match');
  await expect(page.getByTestId(`run-row-${victimId}`)).toBeVisible();
  expect(errors).toEqual([]);
});

test('re-run a past run with an edit', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  await open(page, '#/runs');
  await page.getByTestId('run-search').fill(GROUP_NAME);
  await expect(page.getByTestId('run-count')).toHaveText('3 runs match');
  await page.locator('[data-testid^="run-row-"]').first().click();
  await page.getByTestId('panel-rerun').click();

  await expect(page).toHaveURL(/#\/design\?from=/);
  await expect(page.getByTestId('spec-source')).toContainText('edit and re-run');
  await expect(field(page, 'data.d')).toHaveValue('16');
  await setField(page, 'model.width', '24');
  await page.screenshot({ path: `${ARTIFACTS}/06-rerun-designer.png` });
  await launchGroup(page, 1, RERUN_NAME);

  await expect(page.getByTestId('live-name')).toContainText(RERUN_NAME);
  await expect(page.getByTestId('status-badge').first()).toHaveText('completed', { timeout: 180_000 });
  await page.getByRole('tab', { name: 'Spec' }).click();
  await expect(page.getByTestId('live-spec')).toContainText('"width": 24');
  await page.screenshot({ path: `${ARTIFACTS}/07-rerun-live.png` });
  expect(errors).toEqual([]);
});

test('compare conditions: the three conditions of a preset in one group', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  await open(page, '#/design');
  await pickSyntheticPreset(page);
  await makeTiny(page);
  await page.getByTestId('seed-count').fill('1');
  const button = page.getByTestId('launch-comparison');
  await expect(button).toBeEnabled();
  await button.click();

  // Before launching, each arm shows what it will run: its preset changed by the edits.
  const plan = page.getByTestId('compare-plan');
  await expect(plan.locator('[data-testid^="arm-"]')).toHaveCount(3);
  for (const arm of await plan.locator('[data-testid^="arm-"]').all()) await expect(arm).toContainText('stopping.maxIterations');
  await plan.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${ARTIFACTS}/09a-compare-plan.png` });
  await page.getByTestId('compare-confirm').click();

  // The browser opens on the new group: three runs, one per condition.
  await expect(page).toHaveURL(/#\/runs\?tag=/);
  await expect(page.getByTestId('run-count')).toHaveText(/^3 runs/);
  const algorithms = await page.locator('[data-testid^="run-row-"] .cell.algorithm').allInnerTexts();
  expect(new Set(algorithms).size).toBe(3);
  await page.screenshot({ path: `${ARTIFACTS}/09-compare-conditions.png` });
  expect(errors).toEqual([]);
});

test('keyboard only: pick a preset, reach the launch button, open a run from the table', async ({ page }) => {
  const errors = watchConsole(page);
  await open(page, '#/design');
  // Tab from the top of the page to a CPU-sized preset (the paper's WRN-16-10 presets are
  // refused on wasm, so their launch button is disabled) and take it with Enter.
  const firstPreset = page.getByTestId('preset-toy-s');
  await expect(firstPreset).toBeVisible();
  for (let i = 0; i < 80 && !(await isFocused(firstPreset)); i++) await page.keyboard.press('Tab');
  await expect(firstPreset).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('spec-source')).toContainText('Preset');
  const launch = page.getByTestId('launch');
  for (let i = 0; i < 200 && !(await isFocused(launch)); i++) await page.keyboard.press('Tab');
  await expect(launch).toBeFocused();

  // The run table: rows take focus, arrows move, Space selects, Enter opens the details.
  await open(page, '#/runs');
  const row = page.locator('[data-testid^="run-row-"]').first();
  await expect(row).toBeVisible();
  await row.focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[data-testid^="run-row-"][data-index="1"]')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-panel')).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/08-keyboard.png` });
  expect(errors).toEqual([]);
});

test('export a run, import 5 000 copies, and the browser stays responsive', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  await open(page, '#/runs');
  await page.getByTestId('run-search').fill(GROUP_NAME);
  await expect(page.getByTestId('run-count')).toHaveText(/^\d+ runs? match/);
  await page.locator('[data-testid^="run-row-"] input[type="checkbox"]').first().check();

  // Export: the bundle downloads as a file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export bundle' }).click()]);
  const bundle = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as {
    runs: { run: Record<string, unknown>; tags: string[]; events: unknown[]; checkpoints: unknown[]; metrics: { key: string }[] }[];
  };
  expect(bundle.runs).toHaveLength(1);
  const [entry] = bundle.runs;
  if (!entry) throw new Error('empty bundle');

  // 5 000 copies under new ids, each with one metric series, imported through the UI.
  const copies = Array.from({ length: 5000 }, (_, i) => ({
    ...entry,
    run: { ...entry.run, id: `bulk-${TAG}-${i}`, name: `bulk ${TAG} ${i}`, groupId: null, seed: i },
    tags: ['bulk'],
    events: [],
    checkpoints: [],
    metrics: entry.metrics.filter((m) => m.key === 'train/loss'),
  }));
  const file = join(mkdtempSync(join(tmpdir(), 'lrlab-e2e-bundle-')), 'bulk.lrlab.json');
  writeFileSync(file, JSON.stringify({ ...bundle, runs: copies }));
  await page.locator('input[type="file"]').setInputFiles(file);
  await expect(page.getByTestId('notice').filter({ hasText: 'Imported 5000 runs.' })).toBeVisible({ timeout: 120_000 });

  await page.getByTestId('run-search').fill(`bulk ${TAG}`);
  await expect(page.getByTestId('run-count')).toHaveText('5000 runs match');

  // Jump to the middle and the end: the rows there appear, and only a screenful is in the DOM.
  const body = page.getByTestId('runs-body');
  for (const index of [2500, 4990]) {
    const t0 = Date.now();
    await body.evaluate((el, i) => (el.scrollTop = 34 * i), index);
    await expect(page.locator(`[data-index="${index}"] .cell.name`)).toHaveText(/^bulk /, { timeout: 60_000 });
    console.log(`row ${index} of 5000 shown ${Date.now() - t0} ms after the jump (includes fetching its page)`);
  }
  expect(await page.locator('[role="row"]').count()).toBeLessThan(80);
  await page.screenshot({ path: `${ARTIFACTS}/10-runs-5000.png` });
  expect(errors).toEqual([]);
});
