/**
 * What every e2e spec shares: the browser-mode host that e2e/global-setup.ts started (its URL
 * and store come through the environment), opening a view, and collecting console errors.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';

/** Screenshots and measurements land here (not in git). */
export const ARTIFACTS = 'e2e/artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

/** A variable e2e/global-setup.ts sets (LRLAB_E2E_URL, LRLAB_E2E_STORE, …). */
export function e2eEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: e2e/global-setup.ts did not run`);
  return v;
}

/** The workbench's URL with its per-start token. */
export const url = (): string => e2eEnv('LRLAB_E2E_URL');

/** Every console error and uncaught exception of a page, to assert none happened. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
}

/** Opens a view (the token travels in the query, the view in the hash) once the host answers. */
export async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`${url()}${hash}`);
  await expect(page.getByTestId('backend')).toContainText('Engine:');
}
