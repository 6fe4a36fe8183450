// renderer/src/lib: pure helpers (schema-driven forms, hash routes, formatting). Imports vue (route only) and @api types.
export * from './schemaForm';
export * from './route';
export * from './format';
