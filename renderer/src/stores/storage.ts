/**
 * Where the stores keep the user's choices (run-browser columns, user presets). Both stores take
 * this one interface and start from `browserStorage()`; tests and hosts without localStorage
 * inject their own through the store's `setStorage`.
 */
export interface ChoiceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The window's localStorage, or null where there is none (or it is disabled). */
export function browserStorage(): ChoiceStorage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}
