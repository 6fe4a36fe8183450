/**
 * Run-table column ids, built and parsed here only: the run browser's columns and sort
 * (renderer/src/lib/columns.ts), `runs.list`'s `sortBy` (checked and parsed by the api's query
 * schema, so the host receives a ColumnId), and `lrlab list --sort`.
 *
 *   metric:<key>:<stat>   a summary of a metric key: last, min or max (the store's metric_latest),
 *                         e.g. `metric:train/loss:last`; a key may itself contain ':'
 *   <name>                a field of the run: letters and digits, e.g. `createdAt`, `durationS`
 *
 * Schema- and import-free beyond the store's constants, so the renderer imports it as a value.
 */
import { METRIC_STATS, type MetricStat } from '../../storage/types';

export { METRIC_STATS };
export type { MetricStat };

export type ColumnId =
  | { readonly type: 'field'; readonly name: string }
  | { readonly type: 'metric'; readonly key: string; readonly stat: MetricStat };

export type ColumnIdParse = { readonly ok: true; readonly id: ColumnId } | { readonly ok: false; readonly message: string };

const METRIC_PREFIX = 'metric:';
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** The two forms, in words (errors, `lrlab list --help`). */
export const COLUMN_ID_FORMS = `a run field (letters and digits, e.g. createdAt) or ${METRIC_PREFIX}<key>:${METRIC_STATS.join('|')}`;

function isStat(s: string): s is MetricStat {
  return (METRIC_STATS as readonly string[]).includes(s);
}

/** The id of a metric summary column, e.g. `metric:train/loss:last`. */
export function metricColumnId(key: string, stat: MetricStat): string {
  if (key.length === 0) throw new Error('A metric column needs a metric key.');
  return `${METRIC_PREFIX}${key}:${stat}`;
}

/** The text of a column id. */
export function columnIdText(id: ColumnId): string {
  return id.type === 'metric' ? metricColumnId(id.key, id.stat) : id.name;
}

/** Parses a column id; a bad one gets a message saying what is wrong and what the forms are. */
export function parseColumnId(text: string): ColumnIdParse {
  const quoted = JSON.stringify(text);
  if (text.startsWith(METRIC_PREFIX)) {
    const rest = text.slice(METRIC_PREFIX.length);
    const at = rest.lastIndexOf(':');
    const key = at < 0 ? '' : rest.slice(0, at);
    const stat = at < 0 ? rest : rest.slice(at + 1);
    if (at < 0 || key.length === 0) return { ok: false, message: `${quoted} is not a column id: a metric column is ${METRIC_PREFIX}<key>:<stat> with a metric key, e.g. ${METRIC_PREFIX}train/loss:last.` };
    if (!isStat(stat)) return { ok: false, message: `${quoted} is not a column id: "${stat}" is not a metric summary; use one of ${METRIC_STATS.join(', ')}.` };
    return { ok: true, id: { type: 'metric', key, stat } };
  }
  if (!FIELD_NAME.test(text)) return { ok: false, message: `${quoted} is not a column id: use ${COLUMN_ID_FORMS}.` };
  return { ok: true, id: { type: 'field', name: text } };
}
