import { describe, expect, it } from 'vitest';
import { makeUntil, until } from './until';

describe('until', () => {
  it('returns the first truthy value, sync or async', async () => {
    let n = 0;
    expect(await makeUntil({ everyMs: 1 })('n to reach 3', () => ++n >= 3 && n)).toBe(3);
    let m = 0;
    expect(await makeUntil({ everyMs: 1 })('m to reach 2', async () => ++m >= 2 && 'done')).toBe('done');
  });

  it('throws after the timeout, naming what it waited for', async () => {
    await expect(until('never', () => false, 30)).rejects.toThrow('timed out after 0.03 s waiting for never');
    await expect(makeUntil({ timeoutMs: 20, everyMs: 5 })('nothing', () => null)).rejects.toThrow(/waiting for nothing/);
  });

  it("fails at once on the check's own error unless told to treat it as not yet", async () => {
    await expect(until('x', () => { throw new Error('store locked'); })).rejects.toThrow('store locked');
    let n = 0;
    const tolerant = makeUntil({ everyMs: 1, ignoreErrors: true });
    expect(await tolerant('the store', () => { if (++n < 3) throw new Error('busy'); return n; })).toBe(3);
  });
});
