// storage/migrations: the numbered schema steps, in order. Imports nothing outside this folder.
import { migration001 } from './001_initial';
import type { Migration } from './types';

export type { Migration } from './types';

/** Every migration, in the order it is applied. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration001];

/** The schema version this code writes; files with a higher `user_version` are refused. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
