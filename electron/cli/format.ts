import type { SystemInfo } from '../api/schemas';

/** `lrlab info` for people. */
export function formatInfo(info: SystemInfo): string {
  const lines = [
    `${info.appName} ${info.appVersion}${info.gitCommit ? ` (${info.gitCommit.slice(0, 12)})` : ''}`,
    `engine backend: ${info.backend ? info.backend.summary : `none — ${info.backendError ?? 'unknown error'}`}`,
  ];
  if (info.backend?.forced) lines.push('  (forced by --backend / LRLAB_BACKEND)');
  const a = info.backend?.adapter;
  if (a) {
    lines.push(`  adapter: ${a.description || a.device} (vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}${a.software ? ', software' : ''})`);
    if (a.driver === 'lrlab-lavapipe') lines.push(`  no hardware adapter: using LR Lab's own lavapipe software driver (${a.icd ?? ''})`);
    const mib = (n: number | undefined) => (n === undefined ? '?' : `${(n / 2 ** 20).toFixed(0)} MiB`);
    lines.push(`  limits: max buffer ${mib(a.limits['maxBufferSize'])}, max storage binding ${mib(a.limits['maxStorageBufferBindingSize'])} (WebGPU does not report total GPU memory)`);
  }
  for (const s of info.backend?.skipped ?? []) lines.push(`  skipped ${s.name}: ${s.reason}`);
  lines.push(
    `run store:      ${info.storePath}`,
    `log file:       ${info.logFile} (written by the window and \`lrlab serve\`, rotated at 5 MiB, 5 kept)`,
    `machine:        ${info.cpu} × ${info.cores}, ${info.platform}, Node ${info.node}${info.electron ? `, Electron ${info.electron}` : ''}`,
  );
  return lines.join('\n') + '\n';
}

type RunRowLike = {
  id: string;
  name: string;
  status: string;
  preset: string | null;
  algorithm: string | null;
  seed: number | null;
  createdAt: string;
  durationS: number | null;
  backend: string | null;
  metrics: Record<string, { last: number | null }>;
};

function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const w = header.map((h, c) => Math.max(h.length, ...body.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) => r.map((x, c) => x.padEnd(w[c]!)).join('  ').trimEnd();
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n') + '\n';
}

const num = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4));
const dur = (s: number | null): string => (s === null ? '—' : s < 90 ? `${s.toFixed(0)}s` : s < 5400 ? `${(s / 60).toFixed(1)}m` : `${(s / 3600).toFixed(1)}h`);

/** `lrlab list` for people. */
export function formatRunTable(rows: readonly RunRowLike[], metricKeys: readonly string[], total: number): string {
  if (rows.length === 0) return 'No runs. Start one with `lrlab run --preset toy-s --seed 1` (`lrlab presets` lists presets).\n';
  const body = rows.map((r) => [
    r.id.slice(0, 8),
    r.name.slice(0, 32),
    r.status,
    r.preset ?? '—',
    r.algorithm ?? '—',
    r.seed === null ? '—' : String(r.seed),
    r.createdAt.slice(0, 16).replace('T', ' '),
    dur(r.durationS),
    r.backend ?? '—',
    ...metricKeys.map((k) => num(r.metrics[k]?.last)),
  ]);
  const more = total > rows.length ? `(${rows.length} of ${total}; --limit shows more)\n` : '';
  return table(['id', 'name', 'status', 'preset', 'algorithm', 'seed', 'created', 'duration', 'backend', ...metricKeys], body) + more;
}

type DetailLike = RunRowLike & {
  kind: string;
  groupId: string | null;
  tags: string[];
  error: string | null;
  notes: string;
  spec: Record<string, unknown>;
  provenance: Record<string, unknown>;
  events: { kind: string; step: number | null; at: string; message: string }[];
  checkpoints: { step: number; epoch: number | null; bytes: number }[];
};

/** `lrlab show` for people. */
export function formatRunDetail(d: DetailLike, latest: readonly { key: string; last: number; lastStep: number; min: number | null; max: number | null }[]): string {
  const out = [
    `${d.name}  (${d.id})`,
    `status ${d.status}${d.error ? ` — ${d.error}` : ''}; ${d.kind}${d.preset ? `, preset ${d.preset}` : ''}${d.algorithm ? `, ${d.algorithm}` : ''}, seed ${d.seed ?? '—'}${d.groupId ? `, group ${d.groupId}` : ''}`,
    `created ${d.createdAt}; duration ${dur(d.durationS)}; backend ${d.backend ?? '—'}`,
  ];
  if (d.tags.length) out.push(`tags: ${d.tags.join(', ')}`);
  if (d.notes) out.push(`notes: ${d.notes}`);
  out.push('', 'provenance:');
  for (const [k, v] of Object.entries(d.provenance)) if (v !== null && v !== undefined) out.push(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  out.push('', 'latest metrics:');
  out.push(...latest.map((m) => `  ${m.key.padEnd(24)} ${num(m.last).padStart(10)} @ ${m.lastStep}   (min ${num(m.min)}, max ${num(m.max)})`));
  out.push('', `events (${d.events.length}):`);
  out.push(...d.events.slice(-20).map((e) => `  ${e.at.slice(0, 19)}  ${e.kind.padEnd(10)} ${e.step === null ? '' : `@${e.step} `}${e.message}`));
  if (d.checkpoints.length) out.push('', `checkpoints: ${d.checkpoints.map((c) => `step ${c.step}`).join(', ')}`);
  out.push('', 'spec:', JSON.stringify(d.spec, null, 2));
  return out.join('\n') + '\n';
}
