// engine/spec: the RunSpec schema and its checks. Imports zod and engine files only (no tfjs,
// no Node built-ins): the host, the store and the api contract all read it.
export * from './runSpec';
export * from './common';
export * from './sweep';
export * from './bounds';
export * from './strict';
