import { describe, expect, it } from 'vitest';
import type { ApiServices } from '../../api/contract';
import { createDispatch } from './dispatch';
import { HostError } from './errors';

/** A services table whose members throw unless overridden (only the called ones matter). */
function services(overrides: Partial<ApiServices['runs']> = {}): ApiServices {
  const unused = new Proxy({}, { get: () => () => { throw new Error('not used in this test'); } });
  return {
    runs: { ...(unused as ApiServices['runs']), ...overrides },
    training: unused as ApiServices['training'],
    experiments: unused as ApiServices['experiments'],
    datasets: unused as ApiServices['datasets'],
    figures: unused as ApiServices['figures'],
    patches: unused as ApiServices['patches'],
    system: { info: () => { throw new Error('boom'); } },
  };
}

describe('dispatch', () => {
  it('validates before calling: an invalid request never reaches the service', async () => {
    let called = false;
    const d = createDispatch(services({ rename: () => ((called = true), { ok: true as const }) }));
    const r = await d('runs.rename', { id: 'a b', name: '' });
    expect(called).toBe(false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_request');
    expect(r.error.issues?.map((i) => i.path).sort()).toEqual(['id', 'name']);
  });

  it('refuses a request nested too deep before its schema or service sees it (no stack overflow)', async () => {
    let called = false;
    const d = createDispatch(services({ import: () => ((called = true), { imported: [] }) }));
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    for (const [method, input] of [
      ['runs.import', { content: 'x', overwrite: false, extra: deep }],
      ['training.validate', { spec: { kind: 'synthetic', x: deep } }],
      ['figures.save', { name: 'f', spec: { x: deep } }],
    ] as const) {
      const r = await d(method, input);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('invalid_request');
      expect(r.error.message).toMatch(/nested deeper than 40 levels/);
    }
    expect(called).toBe(false);
  });

  it('passes parsed input with defaults to the service', async () => {
    let seen: unknown;
    const d = createDispatch(services({ list: (q) => ((seen = q), { total: 0, rows: [] }) }));
    const r = await d('runs.list', {});
    expect(r).toEqual({ ok: true, value: { total: 0, rows: [] } });
    // sortBy arrives parsed into a column id (electron/api/columnIds.ts).
    expect(seen).toMatchObject({ sortBy: { type: 'field', name: 'createdAt' }, sortDir: 'desc', limit: 100, deleted: 'exclude' });
  });

  it('rejects unknown methods and extra fields', async () => {
    const d = createDispatch(services());
    expect(await d('runs.drop', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await d('constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await d('runs.list', { limit: 5, evil: true })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('turns thrown errors into structured ones and never rejects', async () => {
    const logged: string[] = [];
    const d = createDispatch(
      services({ get: () => { throw new HostError('not_found', 'No run "x".'); } }),
      (l) => logged.push(l),
    );
    expect(await d('runs.get', { id: 'x' })).toEqual({ ok: false, error: { code: 'not_found', message: 'No run "x".' } });
    expect(await d('system.info', {})).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    expect(logged.join()).toMatch(/system.info failed/);
  });
});
