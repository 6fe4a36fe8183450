/**
 * Browser mode transport: HTTP POST per call, one WebSocket for events. The per-start token
 * arrives in the page URL (`?token=`), is kept in sessionStorage, and goes with every request.
 */
import type { ApiResult, Transport } from '@api/index';

const TOKEN_KEY = 'lrlab.token';

export function readToken(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) {
    window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    // Keep the token out of the address bar (and out of screenshots and history).
    const url = new URL(window.location.href);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return window.sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function createBrowserTransport(token: string): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retry = 0;

  function connect(): void {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${proto}//${window.location.host}/api/events?token=${encodeURIComponent(token)}`);
    socket.onopen = () => (retry = 0);
    socket.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as { event: string; payload: unknown };
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    };
    socket.onclose = () => {
      socket = null;
      if ([...listeners.values()].some((s) => s.size > 0)) {
        retry = Math.min(retry + 1, 6);
        setTimeout(connect, 250 * 2 ** retry);
      }
    };
  }

  return {
    async call(method, input) {
      let res: Response;
      try {
        res = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-lrlab-token': token },
          body: JSON.stringify(input ?? {}),
        });
      } catch (e) {
        return { ok: false, error: { code: 'unavailable', message: `The LR Lab host cannot be reached (${String(e)}). Is \`lrlab serve\` still running?` } };
      }
      const body = (await res.json().catch(() => null)) as ApiResult<unknown> | null;
      if (body && typeof body === 'object' && 'ok' in body) return body;
      return { ok: false, error: { code: 'internal', message: `The host answered HTTP ${res.status} without a result.` } };
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (!socket) connect();
      return () => set.delete(listener);
    },
  };
}
