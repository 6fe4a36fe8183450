import { describe, expect, it } from 'vitest';
import { fakeKinds, fakeRunSummary } from '../testing';
import { BASE_COLUMNS, metricColumns } from './columns';
import { nextRowIndex, scrollToRow } from './gridKeys';
import { cellText } from './runCells';
import { emptyFilters, filtersFromQuery } from './runFilters';

describe('run browser helpers', () => {
  it('a group or tag link starts from that filter alone; a text link keeps the other filters', () => {
    const cur = { ...emptyFilters(), status: ['failed' as const], preset: ['p'], tag: ['old'], text: 'abc' };
    const g = filtersFromQuery({ group: 'g1' }, cur);
    expect(g.changed).toBe(true);
    expect(g.scoped).toBe(true);
    expect(g.filters).toMatchObject({ groupId: 'g1', tag: [], text: '', status: [], preset: [], deleted: 'exclude' });

    const t = filtersFromQuery({ text: 'xyz' }, cur);
    expect(t).toMatchObject({ changed: true, scoped: false, filters: { groupId: '', tag: ['old'], text: 'xyz' } });
    expect(t.filters.status).toBeUndefined();

    const same = filtersFromQuery({}, cur);
    expect(same.changed).toBe(false);
    // The same group again changes nothing and clears nothing.
    const again = filtersFromQuery({ group: 'g1' }, { ...emptyFilters(), groupId: 'g1', status: ['failed'] });
    expect(again).toMatchObject({ changed: false, scoped: false });
    expect(again.filters.status).toBeUndefined();
  });

  it('↑/↓ stay inside the table and scroll as little as needed', () => {
    expect(nextRowIndex(0, 'ArrowUp', 10)).toBe(0);
    expect(nextRowIndex(9, 'ArrowDown', 10)).toBe(9);
    expect(nextRowIndex(4, 'ArrowDown', 10)).toBe(5);
    // Row 20 (680–714 px) below a 300 px view at 0: scroll so its bottom touches the view's.
    expect(scrollToRow(20, 34, 0, 300)).toBe(714 - 300);
    expect(scrollToRow(2, 34, 200, 300)).toBe(68);
    expect(scrollToRow(8, 34, 200, 300)).toBe(200);
  });

  it('cells show formatted values and a dash for what a run lacks', () => {
    const kinds = fakeKinds();
    const row = fakeRunSummary(3, { hparams: { 'optim.rate': 0.5 }, metrics: { 'train/loss': { last: 0.125, min: 0.1, max: 1, lastStep: 9 } }, preset: null });
    const col = (id: string) => BASE_COLUMNS.find((c) => c.id === id)!;
    expect(cellText(kinds, row, col('name'))).toBe('run 3');
    expect(cellText(kinds, row, col('preset'))).toBe('—');
    expect(cellText(kinds, row, col('hparams'))).toBe('ρ=0.5');
    const [final, best] = metricColumns(kinds, 'train/loss');
    expect(cellText(kinds, row, final!)).toBe('0.125');
    expect(cellText(kinds, row, best!)).toBe('0.1');
    expect(cellText(kinds, row, metricColumns(kinds, 'test/acc')[0]!)).toBe('—');
  });
});
