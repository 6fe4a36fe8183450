/**
 * The run browser's filters, and how its hash query (`#/runs?group=…`, `?tag=…`, `?text=…`) sets its filters.
 * Arriving with a group or a tag (after a launch) starts from that alone, so older filters
 * cannot hide the new runs.
 */
import type { RunStatus } from '@api/index';

export interface RunFilters {
  text: string;
  status: RunStatus[];
  preset: string[];
  algorithm: string[];
  tag: string[];
  createdFrom: string;
  createdTo: string;
  groupId: string;
  deleted: 'exclude' | 'only';
}

export const emptyFilters = (): RunFilters => ({
  text: '',
  status: [],
  preset: [],
  algorithm: [],
  tag: [],
  createdFrom: '',
  createdTo: '',
  groupId: '',
  deleted: 'exclude',
});

export interface RouteFilterChange {
  /** Whether the filters differ from before (the table must reload). */
  readonly changed: boolean;
  /** Whether the other filters and the selection were cleared (a group or tag link). */
  readonly scoped: boolean;
  /** The filters to apply. */
  readonly filters: Partial<RunFilters>;
}

export function filtersFromQuery(query: Readonly<Record<string, string>>, current: Readonly<RunFilters>): RouteFilterChange {
  const group = query['group'] ?? '';
  const tag = query['tag'] ?? '';
  const scoped = Boolean(group || tag);
  const text = query['text'] ?? (scoped ? '' : current.text);
  const tags = tag ? [tag] : scoped ? [] : [...current.tag];
  const changed = group !== current.groupId || text !== current.text || tags.join('\n') !== current.tag.join('\n');
  const filters: Partial<RunFilters> = { groupId: group, tag: tags, text };
  if (scoped && changed) {
    Object.assign(filters, { status: [], preset: [], algorithm: [], createdFrom: '', createdTo: '', deleted: 'exclude' } satisfies Partial<RunFilters>);
  }
  return { changed, scoped: scoped && changed, filters };
}
