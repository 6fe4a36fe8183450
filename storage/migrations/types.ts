/** A schema step: applied once, in order, inside one transaction that also bumps `PRAGMA user_version`. */
export interface Migration {
  /** Equals the `user_version` the file has after this step. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
