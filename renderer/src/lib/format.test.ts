import { describe, expect, it } from 'vitest';
import { errorText, fmtDuration, fmtNumber, markdownLight, middleSplit } from './format';

describe('formatters', () => {
  it('formats numbers, including NaN and infinities', () => {
    expect(fmtNumber(null)).toBe('—');
    expect(fmtNumber(Number.NaN)).toBe('NaN');
    expect(fmtNumber(-Infinity)).toBe('−∞');
    expect(fmtNumber(0.123456)).toBe('0.1235');
    expect(fmtNumber(1.5e-5)).toBe('1.50e-5');
  });
  it('formats durations', () => {
    expect(fmtDuration(0.25)).toBe('250 ms');
    expect(fmtDuration(75)).toBe('1 min 15 s');
    expect(fmtDuration(3 * 3600 + 120)).toBe('3 h 2 min');
  });
  it('puts spec problems into the error line', () => {
    expect(errorText({ message: 'Invalid run spec', issues: [{ path: 'data.d', message: 'too small' }] })).toBe('Invalid run spec: data.d — too small');
    expect(errorText('x')).toBe('x');
  });
  it('renders markdown-light safely', () => {
    expect(markdownLight('**a** *b* `c`\n<script>')).toBe('<strong>a</strong> <em>b</em> <code>c</code><br>&lt;script&gt;');
  });
});

describe('middle ellipsis split', () => {
  it('keeps the distinguishing tail whole, from a word start', () => {
    expect(middleSplit('fixture-patch-fmnist-small-lr')).toEqual({ head: 'fixture-patch-fmnist-', tail: 'small-lr' });
    expect(middleSplit('fixture-patch-fmnist-small-lr-noise')).toEqual({ head: 'fixture-patch-fmnist-small-', tail: 'lr-noise' });
    expect(middleSplit('patch-fmnist-noise', 8)).toEqual({ head: 'patch-fmnist-', tail: 'noise' });
    expect(middleSplit('patch-fmnist-small-lr s1')).toEqual({ head: 'patch-fmnist-', tail: 'small-lr s1' });
    expect(middleSplit('short')).toEqual({ head: 'short', tail: '' });
    expect(middleSplit('abcdefghijklmnopqrstuvwxyz', 5)).toEqual({ head: 'abcdefghijklmnopqrstu', tail: 'vwxyz' });
  });
});
