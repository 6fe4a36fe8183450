/**
 * The run browser's fixes in Chromium against browser mode: metric columns follow the kinds of
 * the listed runs, group names stay distinguishable, tabbing through the column headers keeps
 * the body aligned, "Edit notes" puts the cursor in the box, and the details pane labels a
 * setting from the variant the run is. Runs are seeded into the e2e store (e2e/seed-figures.ts).
 * Screenshots go to e2e/artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { ARTIFACTS, e2eEnv, open } from './support';


function seed(tag: string, presets: string, seeds = '1'): string[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'e2e/seed-figures.ts', e2eEnv('LRLAB_E2E_STORE'), tag, '50', presets, seeds], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '[]') as string[];
}

test.describe.configure({ mode: 'serial' });

const T = Date.now().toString(36);

test('image runs: their own metric columns, distinguishable group names, headers and body stay aligned while tabbing', async ({ page }) => {
  const tag = `img-${T}`;
  const ids = seed(tag, 'patch-fmnist-small-lr,patch-fmnist-noise,patch-fmnist-large-lr');
  await open(page, `#/runs?tag=${tag}`);
  await expect(page.getByTestId('run-count')).toHaveText(/^3 runs/);

  // Columns: the image kind's defaults only, and every metric cell has a number.
  const headers = (await page.locator('[role="columnheader"]').allInnerTexts()).map((t) => t.trim());
  expect(headers.join('|')).toContain('Validation accuracy, clean images final');
  expect(headers.join('|')).not.toContain('Test accuracy');
  const metricCells = page.locator(`[data-testid="run-row-${ids[0]}"] [data-col^="metric:"]`);
  expect(await metricCells.count()).toBe(4);
  for (const t of await metricCells.allInnerTexts()) expect(t.trim()).toMatch(/^\d/);

  // Group names: the ends that tell the conditions apart are shown whole; the full name is the tooltip.
  const groupOf = (id: string) => page.locator(`[data-testid="run-row-${id}"] [data-col="group"]`);
  const tails = [];
  for (const id of ids) {
    const cell = groupOf(id);
    const tail = cell.locator('.mid-tail');
    const [cb, tb] = [await cell.boundingBox(), await tail.boundingBox()];
    expect(tb && cb && tb.x + tb.width <= cb.x + cb.width + 0.5).toBe(true);
    tails.push((await tail.innerText()).trim());
    expect(await cell.getAttribute('title')).toMatch(/^fixture-patch-fmnist-/);
  }
  expect(new Set(tails).size).toBe(3);
  await page.screenshot({ path: `${ARTIFACTS}/20-runs-image-columns-groups.png` });

  // Tab through the headers to the last one: the body scrolls with the header.
  await page.getByTestId('sort-name').focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('Tab');
  const created = page.getByTestId('sort-created');
  await created.focus();
  const pos = await page.evaluate(() => {
    const d = (globalThis as unknown as { document: { querySelector(s: string): { scrollLeft: number; getBoundingClientRect(): { x: number } } | null } }).document;
    return {
      head: d.querySelector('[data-testid="runs-head"]')?.scrollLeft ?? -1,
      body: d.querySelector('[data-testid="runs-body"]')?.scrollLeft ?? -1,
      headX: d.querySelector('[data-testid="sort-created"]')?.getBoundingClientRect().x ?? -1,
      cellX: d.querySelector('[data-testid^="run-row-"] [data-col="created"]')?.getBoundingClientRect().x ?? -2,
    };
  });
  expect(pos.head).toBeGreaterThan(0);
  expect(pos.body).toBe(pos.head);
  // The header button sits in its cell's padding: within a few pixels of the body cell's left edge.
  expect(Math.abs(pos.headX - pos.cellX)).toBeLessThan(12);
  await page.screenshot({ path: `${ARTIFACTS}/21-runs-header-tabbed.png` });
});

test('details: Edit notes focuses the box; settings are labelled by the registry and the run’s own variant', async ({ page }) => {
  const tag = `toy-${T}`;
  const [id] = seed(tag, 'toy-ls');
  await open(page, `#/runs?tag=${tag}`);
  await page.getByTestId(`run-row-${id}`).click();
  const panel = page.getByTestId('run-panel');
  await expect(panel.getByTestId('panel-key-settings')).toContainText('η1');

  await panel.getByTestId('edit-notes').click();
  await expect(panel.getByTestId('notes-input')).toBeFocused();
  await page.keyboard.type('typed at once');
  await expect(panel.getByTestId('notes-input')).toHaveValue('typed at once');

  await panel.getByText(/^All settings/).click();
  const settings = panel.getByTestId('panel-settings');
  await expect(settings).toContainText('algorithm.anneal.mode');
  await expect(panel).not.toContainText('Anneal on loss');
  const dt = settings.locator('dt', { hasText: 'algorithm.anneal.mode' });
  await expect(dt).toHaveText(/^Anneal\s+algorithm\.anneal\.mode$/);
  await panel.screenshot({ path: `${ARTIFACTS}/22-runs-details-notes.png` });
});

test('header at 1280 px with four tabs stays one line; the Run tab of a finished run says "Run"', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const ids = seed(`hdr-${T}`, 'toy-ls,toy-s');
  await open(page, `#/run/${ids[0]}`);
  await expect(page.getByTestId('nav-run')).toHaveText('Run');
  await expect(page.getByTestId('nav-run')).toHaveAttribute('title', /toy-ls s1 — completed/);
  // A hash change inside the page (as the app navigates), so the Run tab stays.
  await page.evaluate((h) => ((globalThis as unknown as { location: { hash: string } }).location.hash = h), `#/compare?ids=${ids.join(',')}`);
  await expect(page.getByTestId('nav-compare')).toBeVisible();
  const header = page.locator('header.top');
  const tabs = page.locator('header.top nav a');
  await expect(tabs).toHaveCount(4);
  const boxes = await Promise.all((await tabs.all()).map((t) => t.boundingBox()));
  const ys = new Set(boxes.map((b) => Math.round(b?.y ?? -1)));
  expect(ys.size).toBe(1);
  const hb = await header.boundingBox();
  const tb = boxes[0];
  // One line: the header is no taller than one tab plus its padding.
  expect(hb && tb && hb.height < tb.height * 2).toBe(true);
  await page.screenshot({ path: `${ARTIFACTS}/23-header-1280-four-tabs.png`, clip: { x: 0, y: 0, width: 1280, height: 80 } });
});
