/** Colours a chart takes from the page's CSS variables, so charts follow the OS light/dark theme. */
export interface ChartTheme {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly accent: string;
  readonly danger: string;
  readonly warn: string;
  /** Line colours for series, in order. */
  readonly palette: readonly string[];
}

export const lightTheme: ChartTheme = {
  fg: '#1b1f24',
  muted: '#5b6470',
  grid: '#d7dce2',
  accent: '#1f6feb',
  danger: '#c62828',
  warn: '#b26a00',
  palette: ['#1f6feb', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#0b7285', '#5c940d', '#e67700'],
};

/** Reads the theme from CSS variables (`--fg`, `--muted`, …) on an element's computed style. */
export function themeFromStyle(style: { getPropertyValue(name: string): string }, fallback: ChartTheme = lightTheme): ChartTheme {
  const v = (name: string, d: string): string => style.getPropertyValue(name).trim() || d;
  const dark = v('--is-dark', '0') === '1';
  return {
    fg: v('--fg', fallback.fg),
    muted: v('--muted', fallback.muted),
    grid: v('--border', fallback.grid),
    accent: v('--accent', fallback.accent),
    danger: v('--danger', fallback.danger),
    warn: v('--warn', fallback.warn),
    palette: dark ? ['#58a6ff', '#ff8c42', '#69db7c', '#da77f2', '#f783ac', '#3bc9db', '#a9e34b', '#ffd43b'] : fallback.palette,
  };
}

/** Axis styling shared by every chart. */
export function axisStyle(t: ChartTheme): Record<string, unknown> {
  return {
    axisLine: { lineStyle: { color: t.muted } },
    axisLabel: { color: t.muted },
    splitLine: { lineStyle: { color: t.grid } },
    nameTextStyle: { color: t.muted },
  };
}

/** NaN and ±Infinity travel over the api as strings; a chart wants numbers (null = gap). */
export function wireToNumber(v: number | string): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return null;
}
