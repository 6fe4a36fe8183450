/**
 * Run-table columns. A metric column carries its metric key and statistic as data (`metric`),
 * so nothing parses column ids back; its `id` and `sortBy` are built by the api's column-id
 * module (@api/columnIds), which the host parses `sortBy` with.
 */
import type { KindInfo } from '@api/index';
import { metricColumnId, type MetricStat } from '@api/columnIds';
import { bestStat, metricInfo } from './kinds';

export type { MetricStat };

export interface Column {
  readonly id: string;
  readonly label: string;
  /** What runs.list sorts by for this column; null when it cannot sort. */
  readonly sortBy: string | null;
  readonly width: number;
  /** Set on metric columns: which metric and which of its summaries the cell shows. */
  readonly metric?: { readonly key: string; readonly stat: MetricStat };
}

export const BASE_COLUMNS: readonly Column[] = [
  { id: 'name', label: 'Name', sortBy: 'name', width: 200 },
  { id: 'status', label: 'Status', sortBy: 'status', width: 160 }, // room for a "collapsed" mark beside "completed"
  { id: 'preset', label: 'Preset', sortBy: 'preset', width: 120 },
  { id: 'algorithm', label: 'Algorithm', sortBy: 'algorithm', width: 90 },
  { id: 'hparams', label: 'Key hyperparameters', sortBy: null, width: 220 },
  { id: 'seed', label: 'Seed', sortBy: 'seed', width: 60 },
  { id: 'group', label: 'Group', sortBy: 'groupId', width: 150 },
  { id: 'tags', label: 'Tags', sortBy: null, width: 120 },
  { id: 'duration', label: 'Duration', sortBy: 'durationS', width: 90 },
  { id: 'backend', label: 'Backend', sortBy: 'backend', width: 90 },
  { id: 'created', label: 'Created', sortBy: 'createdAt', width: 130 },
];

function metricColumn(key: string, stat: MetricStat, label: string): Column {
  const id = metricColumnId(key, stat);
  return { id, label, sortBy: id, width: 110, metric: { key, stat } };
}

/** Final and best of a metric, labelled as its kind names it. "Best" is the minimum where smaller is better, else the maximum. */
export function metricColumns(kinds: readonly KindInfo[], key: string): Column[] {
  const name = metricInfo(kinds, key)?.label ?? key;
  return [metricColumn(key, 'last', `${name} final`), metricColumn(key, bestStat(kinds, key), `${name} best`)];
}
