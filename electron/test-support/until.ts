/**
 * Polling for tests and drills that watch a store, a child process or a host from outside:
 * waits until `f` gives a truthy value and returns it, or throws after the timeout naming what it
 * waited for. One copy for the host's tests and `npm run drills` (electron/cli/drills.ts), which
 * each had their own.
 */

type Maybe<T> = T | undefined | null | false;

export interface UntilOptions {
  /** How long to wait before throwing, unless a call passes its own (ms). */
  timeoutMs?: number;
  /** How often to ask (ms). */
  everyMs?: number;
  /**
   * Treat an exception from `f` as "not yet" instead of failing at once: for a watcher that may
   * read a store before it exists or while it is busy (the drills). Tests leave it off so that
   * a broken check fails with its own error.
   */
  ignoreErrors?: boolean;
}

export type Until = <T>(what: string, f: () => Maybe<T> | Promise<Maybe<T>>, timeoutMs?: number) => Promise<T>;

/** An `until` with its own defaults (a test file's timeout and polling interval). */
export function makeUntil({ timeoutMs: defaultTimeoutMs = 90_000, everyMs = 100, ignoreErrors = false }: UntilOptions = {}): Until {
  return async <T>(what: string, f: () => Maybe<T> | Promise<Maybe<T>>, timeoutMs = defaultTimeoutMs): Promise<T> => {
    const t0 = Date.now();
    for (;;) {
      let v: Maybe<T> = null;
      try {
        v = await f();
      } catch (e) {
        if (!ignoreErrors) throw e;
      }
      if (v) return v;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
}

/** Waits up to 90 s, asking every 100 ms. */
export const until: Until = makeUntil();
