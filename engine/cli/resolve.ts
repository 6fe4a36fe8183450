/**
 * From command-line choices to a validated RunSpec: a preset or a spec file, then `--set`
 * overrides, `--seed`, `--backend`; every problem is listed (SpecError) with its path.
 */
import { readFileSync, statSync } from 'node:fs';
import { findPreset } from '../presets';
import type { RunSpec } from '../spec';
import { BACKEND_NAMES } from '../backend';
import { MAX_SPEC_FILE_BYTES, jsonBoundsProblem, parseRunSpec } from '../spec';
import { isSweepDocument } from '../spec/sweep';
import { applyOverrides, parseOverrides, type ParsedOverride } from './overrides';

export interface RunChoice {
  readonly preset?: string;
  readonly specFile?: string;
  /** An already-parsed spec document (instead of a preset or file). */
  readonly specInput?: Record<string, unknown>;
  /** `path=value` texts as typed on the command line (`--set`), parsed here, once. */
  readonly set?: readonly string[];
  /** Typed overrides, applied after `set`. */
  readonly overrides?: readonly ParsedOverride[];
  readonly seed?: number;
  readonly backend?: string;
}

/** Reads and JSON-parses a spec file, saying which file and why when it fails. */
export function readSpecFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('it is not a regular file');
    if (st.size > MAX_SPEC_FILE_BYTES) {
      throw new Error(`it has ${st.size} bytes; a spec file has at most ${MAX_SPEC_FILE_BYTES} (real ones are a few KiB). Check the file name`);
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read spec file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('the document is not a JSON object');
  } catch (e) {
    throw new Error(`Spec file ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const tooBig = jsonBoundsProblem(doc);
  if (tooBig) throw new Error(`Spec file ${path} is not a spec: ${tooBig}.`);
  return doc as Record<string, unknown>;
}

/** The spec document a choice starts from (before overrides), without validation. */
export function baseDocument(choice: RunChoice): Record<string, unknown> {
  const sources = [choice.preset, choice.specFile, choice.specInput].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new Error('Give exactly one of --preset NAME or a SPEC.json file.');
  if (choice.preset !== undefined) return structuredClone(findPreset(choice.preset).spec) as Record<string, unknown>;
  if (choice.specFile !== undefined) return readSpecFile(choice.specFile);
  const tooBig = jsonBoundsProblem(choice.specInput);
  if (tooBig) throw new Error(`The spec is not a run spec: ${tooBig}.`);
  return structuredClone(choice.specInput!);
}

export function resolveRunSpec(choice: RunChoice): RunSpec {
  let doc = baseDocument(choice);
  if (isSweepDocument(doc)) throw new Error('This is a sweep spec (kind "sweep"); run it with `lrlab sweep FILE`.');
  doc = applyOverrides(doc, [...parseOverrides(choice.set ?? []), ...(choice.overrides ?? [])]);
  if (choice.seed !== undefined) {
    if (!Number.isInteger(choice.seed)) throw new Error(`--seed must be an integer, got ${choice.seed}`);
    doc['seed'] = choice.seed;
  }
  if (choice.backend !== undefined) {
    if (choice.backend !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(choice.backend)) {
      throw new Error(`Unknown backend "${choice.backend}". Choose one of: auto, ${BACKEND_NAMES.join(', ')}.`);
    }
    doc['backend'] = choice.backend;
  }
  if (doc['seed'] === undefined) throw new Error('The run needs a seed: pass --seed N (or put "seed" in the spec).');
  if (choice.preset !== undefined && doc['name'] === choice.preset) doc['name'] = `${choice.preset} s${String(doc['seed'])}`;
  return parseRunSpec(doc);
}
