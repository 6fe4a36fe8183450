/**
 * Hash routing without a router library: `#/runs?text=x`, `#/run/ID`, `#/design?from=ID`.
 * `parseHash` and `formatHash` are pure; `useRoute` keeps one reactive route for the app.
 */
import { readonly, ref } from 'vue';
import type { Ref } from 'vue';

export type RouteName = 'design' | 'runs' | 'run' | 'compare';

export interface Route {
  readonly name: RouteName;
  /** The run id of `#/run/ID`. */
  readonly id: string | null;
  readonly query: Readonly<Record<string, string>>;
}

const NAMES: readonly RouteName[] = ['design', 'runs', 'run', 'compare'];

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const [first = '', second] = pathPart.split('/').filter(Boolean);
  const name = (NAMES as readonly string[]).includes(first) ? (first as RouteName) : 'design';
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(queryPart)) query[k] = v;
  return { name, id: name === 'run' && second ? decodeURIComponent(second) : null, query };
}

export function formatHash(name: RouteName, opts: { id?: string; query?: Record<string, string | undefined> } = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const qs = q.toString();
  return `#/${name}${opts.id ? `/${encodeURIComponent(opts.id)}` : ''}${qs ? `?${qs}` : ''}`;
}

let current: Ref<Route> | null = null;

export function useRoute(): Readonly<Ref<Route>> {
  if (!current) {
    const r = ref<Route>(parseHash(window.location.hash));
    window.addEventListener('hashchange', () => (r.value = parseHash(window.location.hash)));
    current = r;
  }
  return readonly(current) as Readonly<Ref<Route>>;
}

export function navigate(name: RouteName, opts: { id?: string; query?: Record<string, string | undefined> } = {}): void {
  const h = formatHash(name, opts);
  if (window.location.hash === h) return;
  window.location.hash = h;
}
