// renderer/src/testing: fakes for unit tests (a fake host api). Imports @api/client and @api types only.
export * from './fakeApi';
export { fakeRunSummary } from './runSummary';
export { fakeKinds } from './kinds';
