import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './route';

describe('hash routes', () => {
  it('parses views, ids and queries, defaulting to the designer', () => {
    expect(parseHash('')).toEqual({ name: 'design', id: null, query: {} });
    expect(parseHash('#/run/abc-1')).toEqual({ name: 'run', id: 'abc-1', query: {} });
    expect(parseHash('#/runs?text=toy&group=g1')).toEqual({ name: 'runs', id: null, query: { text: 'toy', group: 'g1' } });
    expect(parseHash('#/nowhere')).toEqual({ name: 'design', id: null, query: {} });
  });
  it('round-trips what it formats, dropping empty values', () => {
    const h = formatHash('compare', { query: { ids: 'a,b', key: 'train/loss', none: '' } });
    expect(h).toBe('#/compare?ids=a%2Cb&key=train%2Floss');
    expect(parseHash(h).query).toEqual({ ids: 'a,b', key: 'train/loss' });
    expect(parseHash(formatHash('run', { id: 'x y' })).id).toBe('x y');
  });
});
