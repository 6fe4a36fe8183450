/**
 * What a run-browser cell shows: the text of one run's value in one column. Pure, so the
 * table component only lays cells out.
 */
import type { KindInfo, RunSummary } from '@api/index';
import type { Column } from './columns';
import { fmtDate, fmtDuration, fmtNumber } from './format';
import { keyHparams } from './kinds';

export function cellText(kinds: readonly KindInfo[], row: RunSummary, c: Column): string {
  if (c.metric) {
    const m = row.metrics[c.metric.key];
    return fmtNumber(m ? m[c.metric.stat] : null);
  }
  switch (c.id) {
    case 'name':
      return row.name;
    case 'preset':
      return row.preset ?? '—';
    case 'algorithm':
      return row.algorithm ?? '—';
    case 'hparams':
      return keyHparams(kinds, row.kind, row.hparams)
        .map((h) => `${h.label}=${typeof h.value === 'number' ? fmtNumber(h.value) : String(h.value)}`)
        .join('  ');
    case 'seed':
      return row.seed === null ? '—' : String(row.seed);
    case 'group':
      return row.groupId ?? '—';
    case 'tags':
      return row.tags.join(', ');
    case 'duration':
      return fmtDuration(row.durationS);
    case 'backend':
      return row.backend ?? '—';
    case 'created':
      return fmtDate(row.createdAt);
    default:
      return '';
  }
}
