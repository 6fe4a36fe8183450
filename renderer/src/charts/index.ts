// renderer/src/charts: pure ECharts option builders (no DOM, no Vue), unit-tested. Imports @api types only.
export * from './theme';
export * from './schedule';
export * from './curves';
