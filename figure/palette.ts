/** Line colours by palette name. Okabe & Ito (2008) is distinguishable with every common colour-vision deficiency. */
export const PALETTES = {
  'okabe-ito': ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'],
  tableau: ['#4E79A7', '#F28E2B', '#E15759', '#76B7B2', '#59A14F', '#EDC948', '#B07AA1', '#FF9DA7', '#9C755F', '#BAB0AC'],
  grey: ['#000000', '#555555', '#999999', '#333333', '#777777', '#bbbbbb'],
} as const;

export type PaletteName = keyof typeof PALETTES;

export function paletteColor(name: PaletteName, i: number): string {
  const p = PALETTES[name];
  return p[i % p.length] as string;
}
