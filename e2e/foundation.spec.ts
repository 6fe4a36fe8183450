import { expect, test } from '@playwright/test';
import { url } from './support';

test('the workbench loads and shows the engine backend the host reports', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url());
  const backend = page.getByTestId('backend');
  await expect(backend).toContainText(/Engine: (wasm|cpu|tensorflow)/);
  // The page shows what the host itself says through the api.
  const token = new URL(url()).searchParams.get('token') ?? '';
  const info = await page.evaluate(async (t) => {
    const r = await fetch('/api/system.info', { method: 'POST', headers: { 'x-lrlab-token': t }, body: '{}' });
    return (await r.json()) as { ok: boolean; value: { backend: { summary: string } } };
  }, token);
  expect(info.ok).toBe(true);
  await expect(backend).toContainText(info.value.backend.summary);
  expect(errors).toEqual([]);
});

test('an invalid api call from the page is rejected with a clear, structured error', async ({ page }) => {
  await page.goto(url());
  const token = new URL(url()).searchParams.get('token') ?? '';
  const r = await page.evaluate(async (t) => {
    const res = await fetch('/api/runs.get', { method: 'POST', headers: { 'x-lrlab-token': t }, body: JSON.stringify({ id: 42 }) });
    return { status: res.status, body: (await res.json()) as { ok: boolean; error: { code: string; message: string; issues: { path: string }[] } } };
  }, token);
  expect(r.status).toBe(200); // RPC: the refusal travels in the body
  expect(r.body.ok).toBe(false);
  expect(r.body.error.code).toBe('invalid_request');
  expect(r.body.error.message).toMatch(/Invalid request to runs\.get: id: .*string/);
  expect(r.body.error.issues[0]?.path).toBe('id');

  const noToken = await page.evaluate(async () => (await fetch('/api/system.info', { method: 'POST', body: '{}' })).status);
  expect(noToken).toBe(401);
});
