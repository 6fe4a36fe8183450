/**
 * The patch visualizer in Chromium against browser mode, on Debian's Fashion-MNIST: opened from
 * the designer with the patch-fmnist preset (heatmaps of z and ζ_i, sample inputs, statistics),
 * the σ_z slider moved one step (the designer's spec changes and the preview is rebuilt), and
 * read-only on a run's page. Screenshots go to e2e/artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { ARTIFACTS, e2eEnv, open, watchConsole } from './support';


test('designer: open the patch visualizer on an image preset, see z, ζ, samples and stats; move σ_z one step', async ({ page }) => {
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await open(page, '#/design');
  await page.getByTestId('preset-patch-fmnist-small-lr').click();
  await expect(page.getByTestId('spec-source')).toContainText('patch-fmnist-small-lr');
  await page.getByTestId('open-patch-visualizer').click();
  const dialog = page.getByTestId('patch-dialog');
  await expect(dialog).toBeVisible();
  const viz = dialog.getByTestId('patch-visualizer');
  // Fashion-MNIST: one channel, z and ten ζ_i; two mixed and two patch-only inputs per class.
  await expect(viz).toHaveAttribute('data-generation', '1', { timeout: 30_000 });
  await expect(viz.locator('[data-testid^="pv-heat-"]')).toHaveCount(11);
  await expect(viz.locator('.sample[data-kind="mixed"]')).toHaveCount(20);
  await expect(viz.locator('.sample[data-kind="patch-only"]')).toHaveCount(20);
  await expect(viz.getByTestId('pv-stat-patched')).toContainText('of 10,000');
  await expect(viz.getByTestId('pv-stat-patch-only')).toContainText('% of patched loads');
  await expect(viz.getByTestId('pv-notes')).toHaveCount(0);
  await expect(viz.getByTestId('pv-value-sigmaZ')).toHaveText('1.25');
  // The heatmaps are drawn: a z cell's canvas has coloured (not blank) pixels.
  const zPixels = await viz.getByTestId('pv-heat-z-0').locator('canvas').evaluate((c) => {
    const canvas = c as unknown as { getContext(t: string): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
    const d = canvas.getContext('2d').getImageData(0, 0, 7, 7).data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4) if ((d[i] ?? 0) !== (d[i + 2] ?? 0)) coloured++;
    return coloured;
  });
  expect(zPixels).toBeGreaterThan(30);
  await dialog.screenshot({ path: `${ARTIFACTS}/patch-designer.png` });

  const rangeBefore = await viz.getAttribute('data-range');
  const maxBefore = await viz.getByTestId('pv-range-max').textContent();
  const normsBefore = await viz.getByTestId('pv-stat-norms').textContent();
  const slider = viz.getByTestId('pv-slider-sigmaZ');
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  // The spec being designed changed (one slider step is 0.05) …
  await expect(viz.getByTestId('pv-value-sigmaZ')).toHaveText('1.3');
  // … and the preview was rebuilt from it: z scales with σ_z, so the colour bar and ‖z‖ grow.
  await expect(viz).toHaveAttribute('data-generation', '2', { timeout: 30_000 });
  const rangeAfter = Number(await viz.getAttribute('data-range'));
  expect(rangeAfter / Number(rangeBefore)).toBeCloseTo(1.3 / 1.25, 4);
  await expect(viz.getByTestId('pv-range-max')).not.toHaveText(maxBefore ?? '');
  await expect(viz.getByTestId('pv-stat-norms')).not.toHaveText(normsBefore ?? '');
  await dialog.screenshot({ path: `${ARTIFACTS}/patch-designer-sigma-step.png` });

  await dialog.getByTestId('patch-dialog-close').click();
  await expect(dialog).toHaveCount(0);
  // The designer's own form and JSON show the edited value.
  await page.getByTestId('tab-json').click();
  await expect(page.getByTestId('spec-json')).toHaveValue(/"sigmaZ": 1\.3\b/);
  expect(errors).toEqual([]);
});

test('designer: a CIFAR-10 preset shows z and ζ_i per channel; without CIFAR-10 on the machine it says why there are no samples', async ({ page }) => {
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await open(page, '#/design');
  await page.getByTestId('preset-patch-cifar-small-lr').click();
  await page.getByTestId('open-patch-visualizer').click();
  const viz = page.getByTestId('patch-dialog').getByTestId('patch-visualizer');
  await expect(viz).toHaveAttribute('data-generation', '1', { timeout: 60_000 });
  // Three channels × (z + ten ζ_i).
  await expect(viz.locator('[data-testid^="pv-heat-"]')).toHaveCount(33);
  const notes = viz.getByTestId('pv-notes');
  if ((await notes.count()) > 0) {
    await expect(notes).toContainText('No sample images: Dataset cifar10 not found');
    await expect(viz.locator('.sample')).toHaveCount(0);
  } else {
    await expect(viz.locator('.sample')).toHaveCount(40);
  }
  await page.getByTestId('patch-dialog').screenshot({ path: `${ARTIFACTS}/patch-designer-cifar.png` });
  expect(errors).toEqual([]);
});

test('designer: a synthetic spec offers no patch visualizer', async ({ page }) => {
  await open(page, '#/design');
  const group = page.locator('h3', { hasText: /^Synthetic$/ }).locator('xpath=following-sibling::ul[1]');
  await group.locator('[data-testid^="preset-"]').first().click();
  await expect(page.getByTestId('spec-source')).toContainText('Preset');
  await expect(page.getByTestId('open-patch-visualizer')).toHaveCount(0);
});

test("run page: the run's patch, read-only", async ({ page }) => {
  const errors = watchConsole(page);
  const store = e2eEnv('LRLAB_E2E_STORE');
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'e2e/seed-figures.ts', store, `patch-${Date.now().toString(36)}`, '20', 'patch-fmnist-noise', '5'], { encoding: 'utf8' });
  const [id] = JSON.parse(out.trim().split('\n').pop() ?? '[]') as string[];
  if (!id) throw new Error(`no run seeded: ${out}`);
  await page.setViewportSize({ width: 1280, height: 1500 });
  await open(page, `#/run/${id}`);
  const details = page.getByTestId('run-patch');
  await expect(details).toBeVisible();
  await details.locator('summary').click();
  const viz = details.getByTestId('patch-visualizer');
  await expect(viz).toHaveAttribute('data-generation', '1', { timeout: 30_000 });
  await expect(viz.locator('[data-testid^="pv-heat-"]')).toHaveCount(11);
  await expect(viz.getByTestId('pv-slider-sigmaZ')).toBeDisabled();
  await expect(viz).toContainText('Seed 5');
  await details.scrollIntoViewIfNeeded();
  await details.screenshot({ path: `${ARTIFACTS}/patch-run.png` });
  expect(errors).toEqual([]);
});
