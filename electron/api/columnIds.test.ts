import { describe, expect, it } from 'vitest';
import { columnIdText, metricColumnId, parseColumnId, type ColumnId } from './columnIds';
import { RunQuerySchema } from './schemas';

describe('column ids', () => {
  it('builds metric column ids and parses them back, keys with / and : included', () => {
    expect(metricColumnId('train/loss', 'last')).toBe('metric:train/loss:last');
    for (const id of [
      { type: 'metric', key: 'train/loss', stat: 'last' },
      { type: 'metric', key: 'test/all/err', stat: 'min' },
      { type: 'metric', key: 'a:b', stat: 'max' },
      { type: 'field', name: 'createdAt' },
      { type: 'field', name: 'durationS' },
    ] satisfies ColumnId[]) {
      expect(parseColumnId(columnIdText(id))).toEqual({ ok: true, id });
    }
  });

  it('refuses bad ids with what is wrong and the forms allowed', () => {
    const bad = (text: string): string => {
      const r = parseColumnId(text);
      if (r.ok) throw new Error(`${text} parsed as ${JSON.stringify(r.id)}`);
      return r.message;
    };
    expect(bad('metric:loss:avg')).toMatch(/"avg" is not a metric summary; use one of last, min, max/);
    expect(bad('metric:loss')).toMatch(/a metric column is metric:<key>:<stat>/);
    expect(bad('metric::last')).toMatch(/with a metric key/);
    expect(bad('metric:')).toMatch(/with a metric key/);
    expect(bad('')).toMatch(/is not a column id: use a run field .* or metric:<key>:last\|min\|max/);
    expect(bad('rid; DROP TABLE runs')).toMatch(/is not a column id/);
    expect(bad('Metric:loss:last')).toMatch(/is not a column id/);
    expect(() => metricColumnId('', 'last')).toThrow(/needs a metric key/);
  });

  it('is how runs.list reads sortBy: the host gets the parsed id, a bad one is an invalid request', () => {
    expect(RunQuerySchema.parse({ sortBy: 'metric:train/loss:min' }).sortBy).toEqual({ type: 'metric', key: 'train/loss', stat: 'min' });
    expect(RunQuerySchema.parse({}).sortBy).toEqual({ type: 'field', name: 'createdAt' });
    const r = RunQuerySchema.safeParse({ sortBy: 'metric:loss:mean' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['sortBy'], message: expect.stringContaining('"mean" is not a metric summary') });
  });
});
