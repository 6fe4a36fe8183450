// renderer/src/stores: Pinia setup stores (designer, runs, live run, notices). Reach the host only through useApi().
export * from './designer';
export * from './runs';
export * from './live';
export * from './notices';
export * from './kinds';
