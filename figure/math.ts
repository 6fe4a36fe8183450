/**
 * Simple math in titles and axis labels, as plain Unicode text (so SVG and PDF keep it as text):
 * `\eta` → η (Greek letters by name), `x_1`, `x_{10}` → subscripts, `x^2` → superscripts.
 * Characters without a Unicode sub/superscript form are kept as they are.
 */
const GREEK: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ', kappa: 'κ',
  lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', phi: 'φ', chi: 'χ', psi: 'ψ',
  omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  times: '×', pm: '±', cdot: '·', le: '≤', ge: '≥', infty: '∞', approx: '≈',
};
const SUB: Record<string, string> = {
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉',
  '+': '₊', '-': '₋', '=': '₌', '(': '₍', ')': '₎', a: 'ₐ', e: 'ₑ', h: 'ₕ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', l: 'ₗ', m: 'ₘ',
  n: 'ₙ', o: 'ₒ', p: 'ₚ', r: 'ᵣ', s: 'ₛ', t: 'ₜ', u: 'ᵤ', v: 'ᵥ', x: 'ₓ',
};
const SUP: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
  '+': '⁺', '-': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', n: 'ⁿ', i: 'ⁱ', T: 'ᵀ',
};

function mapAll(s: string, table: Record<string, string>, mark: string): string {
  const chars = [...s];
  return chars.every((c) => table[c] !== undefined) ? chars.map((c) => table[c]).join('') : `${mark}${s}`;
}

export function mathText(s: string): string {
  return s
    .replace(/\\([A-Za-z]+)/g, (m, name: string) => GREEK[name] ?? m)
    .replace(/_\{([^}]*)\}|_([A-Za-z0-9+\-=()])/g, (_m, a: string | undefined, b: string | undefined) => mapAll(a ?? b ?? '', SUB, '_'))
    .replace(/\^\{([^}]*)\}|\^([A-Za-z0-9+\-=()])/g, (_m, a: string | undefined, b: string | undefined) => mapAll(a ?? b ?? '', SUP, '^'));
}
