import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore, BUNDLE_SCHEMA_VERSION, MAX_BUNDLE_BYTES, RUN_ID_PATTERN, type Bundle } from './index';
import { StoreError } from './errors';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleRun, tempDir } from './test-fixtures/helpers';

const stores: RunStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function open(opts: Parameters<typeof openStore>[1] = {}): RunStore {
  const s = openStore(':memory:', opts);
  stores.push(s);
  return s;
}

const specOk = (spec: unknown): { ok: true } | { ok: false; problems: { path: string; message: string }[] } =>
  typeof spec === 'object' && spec !== null && (spec as { seed?: unknown }).seed !== -1
    ? { ok: true }
    : { ok: false, problems: [{ path: 'seed', message: 'must be ≥ 0' }] };

/** A store with two finished runs carrying odd values, events, tags, notes and a checkpoint. */
async function populated(): Promise<{ s: RunStore; ids: string[] }> {
  let t = 5_000;
  const s = open({ now: () => t++ });
  const ids: string[] = [];
  for (let r = 0; r < 2; r++) {
    const { id } = s.createRun(sampleRun({ tags: ['a', `t${r}`], notes: `notes "${r}", with comma`, groupId: 'g' }));
    ids.push(id);
    s.markRunning(id, { pid: 77, host: 'lab', backend: 'wasm', versions: { tfjs: '4.22.0', node: '20' } });
    const w = s.metricWriter(id);
    const odd = [NaN, Infinity, -Infinity, -0, 0.1 + 0.2, 1e-310];
    for (let step = 0; step < 500; step++) {
      w.write({ step, epoch: Math.floor(step / 100) + 1, wallTimeMs: step * 1.25, values: { loss: step < odd.length ? (odd[step] as number) : Math.exp(-step / 50), acc: step / 500 } });
    }
    w.close();
    s.addEvent(id, { kind: 'anneal', step: 250, epoch: 3, message: 'anneal', data: { from: 0.1, to: 0.01, ok: true, none: null } });
    s.finishRun(id, r === 0 ? 'completed' : 'diverged', { summary: { steps: 500, stopReason: 'max', final: { loss: 0.5 } } });
    await s.saveCheckpoint(id, { step: 400, epoch: 5, bytes: new Uint8Array([1, 2, 3]) });
  }
  s.deleteRun(ids[1] as string);
  return { s, ids };
}

function bareRows(s: RunStore, ids: string[]): unknown {
  // everything a user can read back, checkpoint files aside
  return ids.map((id) => {
    const d = s.getRun(id);
    return {
      ...d,
      checkpoints: undefined,
      events: d.events.map((e) => ({ ...e, id: undefined })),
      series: s.getSeries({ runIds: [id], keys: ['loss', 'acc'], withEpochs: true, withWallTimes: true }),
    };
  });
}

describe('bundles', () => {
  it('round-trips every row exactly, NaN/±Infinity/-0 included, through JSON text', async () => {
    const { s, ids } = await populated();
    const bundle = s.exportRuns(ids);
    expect(bundle.format).toBe('lrlab-bundle');
    expect(bundle.schemaVersion).toBe(BUNDLE_SCHEMA_VERSION);
    expect(bundle.runs[0]?.checkpoints).toMatchObject([{ step: 400, epoch: 5, sizeBytes: 3 }]);
    const text = JSON.stringify(bundle);
    const t = open();
    const res = await t.importBundle(JSON.parse(text), { validateSpec: specOk });
    expect(res).toEqual({ imported: ids, replaced: [] });
    const before = bareRows(s, ids) as { series: { values: number[] }[] }[];
    const after = bareRows(t, ids) as { series: { values: number[] }[] }[];
    expect(after).toEqual(before);
    // toEqual treats -0 and 0 alike: check the odd values bit for bit
    const first = after[0]?.series[0]?.values.slice(0, 6) ?? [];
    expect(first.map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['NaN', 'Infinity', '-Infinity', '-0', '0.30000000000000004', '1e-310']);
    // the exported bundle of the copy is the same document, apart from its export time and the
    // checkpoint metadata (checkpoint files do not travel, so their rows are not imported)
    const strip = (b: Bundle): Bundle => ({ ...b, exportedAt: '', runs: b.runs.map((r) => ({ ...r, checkpoints: [] })) });
    expect(strip(t.exportRuns(ids))).toEqual(strip(bundle));
    expect(JSON.stringify(strip(t.exportRuns(ids)))).toBe(JSON.stringify(strip(bundle)));
  });

  it('refuses duplicate ids unless asked to overwrite, and never half-imports', async () => {
    const { s, ids } = await populated();
    const bundle = s.exportRuns(ids);
    const t = open();
    await t.importBundle(bundle);
    t.renameRun(ids[0] as string, 'changed here');
    const e = await t.importBundle(bundle).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('duplicate');
    expect((e as StoreError).message).toContain(ids[0]);
    expect(t.getRun(ids[0] as string).name).toBe('changed here');
    const res = await t.importBundle(bundle, { overwrite: true });
    expect(res.replaced).toEqual(ids);
    expect(t.getRun(ids[0] as string).name).toBe(s.getRun(ids[0] as string).name);
    expect(t.listRuns({ includeDeleted: true }).total).toBe(2);
  });

  it('refuses a bundle whose spec fails validation, importing none of its runs', async () => {
    const { s, ids } = await populated();
    const bundle = s.exportRuns(ids) as Bundle;
    const bad = structuredClone(bundle);
    (bad.runs[1] as { run: { specJson: string } }).run.specJson = JSON.stringify({ kind: 'synthetic', seed: -1 });
    const t = open();
    const existing = t.createRun(sampleRun());
    const err = await t.importBundle(bad, { validateSpec: specOk, source: '/tmp/x.lrlab.json' }).catch((x: unknown) => x);
    expect((err as StoreError).code).toBe('invalid_spec');
    expect((err as StoreError).message).toMatch(/\/tmp\/x\.lrlab\.json .*seed: must be ≥ 0.*Nothing was imported/);
    expect(t.listRuns({ includeDeleted: true }).rows.map((r) => r.id)).toEqual([existing.id]);
  });

  it('refuses malformed bundles and bundles from a newer schema with clear messages', async () => {
    const { s, ids } = await populated();
    const bundle = s.exportRuns(ids);
    const t = open();
    const fail = async (x: unknown): Promise<StoreError> => (await t.importBundle(x, { source: 'b.json' }).catch((e: unknown) => e)) as StoreError;
    expect((await fail({ hello: 1 })).code).toBe('invalid_bundle');
    const newer = await fail({ ...bundle, schemaVersion: BUNDLE_SCHEMA_VERSION + 1 });
    expect(newer.code).toBe('newer_schema');
    expect(newer.message).toMatch(/b\.json was exported by a newer LR Lab/);
    const broken = structuredClone(bundle);
    broken.runs[0]?.metrics[0]?.values.pop();
    const e = await fail(broken);
    expect(e.code).toBe('invalid_bundle');
    expect(e.message).toMatch(/runs\.0\.metrics\.0.*same length/);
    const twice = { ...bundle, runs: [bundle.runs[0], bundle.runs[0]] };
    expect((await fail(twice)).code).toBe('invalid_bundle');
    expect(t.listRuns({ includeDeleted: true }).total).toBe(0);
  });

  it('an import that fails while writing (disk full) leaves the store as it was', async () => {
    const { s, ids } = await populated();
    const bundle = s.exportRuns(ids);
    let full = false;
    const t = open({
      faultInjector: (op) => {
        if (full && op.startsWith('importing')) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      },
    });
    const keep = t.createRun(sampleRun());
    full = true;
    const err = await t.importBundle(bundle).catch((x: unknown) => x);
    expect((err as StoreError).code).toBe('disk_full');
    expect(t.listRuns({ includeDeleted: true }).rows.map((r) => r.id)).toEqual([keep.id]);
    expect(t.getSeries({ runIds: [keep.id], keys: ['loss'] })[0]?.steps).toEqual([]);
    full = false;
    await t.importBundle(bundle);
    expect(t.listRuns({ includeDeleted: true }).total).toBe(3);
  });

  it('exports points as CSV with odd values spelled out', async () => {
    const { s, ids } = await populated();
    const csv = s.exportCsv([ids[0] as string], ['loss']).split('\n');
    expect(csv[0]).toBe('run_id,run_name,key,step,epoch,wall_time_ms,value');
    expect(csv.length).toBe(1 + 500 + 1);
    const values = csv.slice(1, 7).map((l) => l.split(',').pop());
    expect(values).toEqual(['NaN', 'Infinity', '-Infinity', '-0', '0.30000000000000004', '1e-310']);
    expect(csv[1]).toBe(`${ids[0]},${s.getRun(ids[0] as string).name},loss,0,1,0,NaN`);
  });
});

describe('bundle files', () => {
  it('writes a bundle file and imports it back; a file that is not JSON is refused by name', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const { s, ids } = await populated();
      const file = join(dir, 'two-runs.lrlab.json');
      await s.exportBundleFile(ids, file);
      expect(readdirSync(dir)).toEqual(['two-runs.lrlab.json']);
      const t = open();
      expect((await t.importBundleFile(file)).imported).toEqual(ids);
      const dup = (await t.importBundleFile(file).catch((e: unknown) => e)) as StoreError;
      expect(dup.code).toBe('duplicate');
      const junk = join(dir, 'junk.json');
      writeFileSync(junk, '{"format": "lrlab-bundle", ');
      const e = (await t.importBundleFile(junk).catch((x: unknown) => x)) as StoreError;
      expect(e.code).toBe('invalid_bundle');
      expect(e.message).toContain(junk);
      expect(((await t.importBundleFile(join(dir, 'missing.json')).catch((x: unknown) => x)) as StoreError).code).toBe('not_found');
    } finally {
      cleanup();
    }
  });
});

describe('imported bundles follow the rules of the rest of the app', () => {
  const rejects = async (s: RunStore, bundle: unknown): Promise<StoreError> => {
    const e = await s.importBundle(bundle, { validateSpec: specOk }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  };

  it('refuses run ids the api would refuse (dots, 100 characters), importing nothing', async () => {
    const { s, ids } = await populated();
    for (const bad of ['dotted.id.x', 'x'.repeat(100), '../up']) {
      const b = s.exportRuns(ids);
      (b.runs[1]!.run as { id: string }).id = bad;
      const t = open();
      const e = await rejects(t, JSON.parse(JSON.stringify(b)));
      expect(e.code).toBe('invalid_bundle');
      expect(e.message).toMatch(/runs\.1\.run\.id/);
      expect(t.listRuns({ includeDeleted: true }).total).toBe(0);
    }
    expect(RUN_ID_PATTERN.test('a-b_C9')).toBe(true);
  });

  it('imports a queued run as stopped and a running one as interrupted, saying so, so nothing trains or hangs', async () => {
    let t0 = 1000;
    const s = open({ now: () => t0++ });
    const q = s.createRun(sampleRun({ id: 'was-queued' })).id;
    const r = s.createRun(sampleRun({ id: 'was-running' })).id;
    s.markRunning(r, { pid: process.pid, host: 'here' });
    const w = s.metricWriter(r);
    for (let i = 0; i < 10; i++) w.writePoint('loss', i, 1 / (i + 1));
    w.close();
    const bundle = JSON.parse(JSON.stringify(s.exportRuns([q, r]))) as Bundle;
    const t = open({ hostname: 'here' });
    await t.importBundle(bundle, { validateSpec: specOk });
    const queued = t.getRun(q);
    const running = t.getRun(r);
    expect(queued.status).toBe('stopped');
    expect(running.status).toBe('interrupted');
    expect(running.pid).toBeNull(); // no live process claims it
    expect(running.endedAt).not.toBeNull();
    expect(queued.events.at(-1)?.message).toMatch(/Imported as stopped: it was queued/);
    expect(running.events.at(-1)?.message).toMatch(/Imported as interrupted: it was running/);
    expect(t.listRuns({ status: ['queued', 'running'] }).total).toBe(0);
    expect(t.getSeries({ runIds: [r], keys: ['loss'] })[0]?.steps.length).toBe(10);
  });

  it('refuses a bundle nested too deep, or with a JSON column nested too deep, without overflowing the stack', async () => {
    const { s, ids } = await populated();
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const t = open();
    const e1 = await rejects(t, { ...s.exportRuns(ids), runs: [deep] });
    expect(e1.code).toBe('invalid_bundle');
    expect(e1.message).toMatch(/nested deeper than 32 levels/);
    const b = JSON.parse(JSON.stringify(s.exportRuns(ids))) as Bundle;
    (b.runs[0]!.events[0] as { dataJson: string | null }).dataJson = '['.repeat(5000) + ']'.repeat(5000);
    const e2 = await rejects(t, b);
    expect(e2.message).toMatch(/events\[0\]\.dataJson is nested deeper than 32 levels/);
    expect(t.listRuns({ includeDeleted: true }).total).toBe(0);
  });

  it('refuses a bundle file that is not a regular file or is over the size limit, before reading it', async () => {
    const t = open();
    const e = await t.importBundleFile('/dev/zero').then(
      () => null,
      (err: unknown) => err as StoreError,
    );
    expect(e?.message).toMatch(/not a regular file/);
    expect(MAX_BUNDLE_BYTES).toBe(512 * 1024 * 1024);
  });
});
