import { describe, expect, it } from 'vitest';
import { mathText } from './math';
import { sigFormat, xFormat } from './format';
import { logBaseFor, panelColumns } from './option';

describe('labels and numbers', () => {
  it('simple math: Greek by name, sub- and superscripts as text', () => {
    expect(mathText('\\eta_1 = 0.1, \\sigma_z')).toBe('η₁ = 0.1, σ_z');
    expect(mathText('x_{10}^2 \\times 10^{-3}')).toBe('x₁₀² × 10⁻³');
    expect(mathText('\\unknown a_b')).toBe('\\unknown a_b');
  });

  it('significant digits, integer steps', () => {
    expect(sigFormat(0.123456)).toBe('0.1235');
    expect(sigFormat(1200)).toBe('1200');
    expect(sigFormat(0.00001234)).toBe('1.23e-5');
    expect(sigFormat(NaN)).toBe('—');
    expect(xFormat(1234.6, 'step')).toBe('1235');
    expect(xFormat(250_000, 'step')).toBe('250k');
    expect(xFormat(1.23456, 'epoch')).toBe('1.23');
  });

  it('a narrow log range gets a base with ticks inside it; wide ranges keep base 10', () => {
    expect(logBaseFor([0.55, 0.7])).toBeCloseTo((0.7 / 0.55) ** 0.2, 12);
    expect(logBaseFor([1e-3, 1])).toBe(10);
  });

  it('panels per row follow the width', () => {
    expect(panelColumns(234, 8, 3, true)).toBe(1); // single column, 3.25 in
    expect(panelColumns(486, 8, 3, true)).toBe(3); // double column, 6.75 in
    expect(panelColumns(1400, 12, 5, false)).toBe(3);
  });
});
