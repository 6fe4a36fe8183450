// engine/cli: plain, testable functions behind `lrlab run|sweep|presets` (the bin in electron/cli
// wires them). Imports engine files, zod, commander, cli-progress and Node built-ins only.
export { OverrideError, applyOverrides, getPath, parseOverride, parseOverrides, setPath, validSpecPaths } from './overrides';
export type { ParsedOverride } from './overrides';
export { baseDocument, readSpecFile, resolveRunSpec } from './resolve';
export type { RunChoice } from './resolve';
export { progressBarOptions, runWithProgress } from './run';
export type { CliRunResult, ProgressStream, RunWithProgressOptions } from './run';
export { DEFAULT_SWEEP_KEYS, expandSweep, expandSweepPoints, formatGridValue, formatSweepTable, formatSweptValue, parseSweepSpec, runSweep, sweepAxes, sweepLabel, sweptValue } from './sweep';
export type { RunSweepOptions, SweepPoint, SweepResult, SweepRow } from './sweep';
export { formatPresetList } from './presets';
export { resultToJson } from './json';
export { isSweepDocument } from '../spec/sweep';
