/**
 * Browser mode: the same renderer and the same api over HTTP + WebSocket, for a GPU server
 * browsed from a laptop (through an SSH tunnel) or a machine without a display.
 *
 * Bound to 127.0.0.1 only. A random per-start token guards every request and socket: the
 * printed URL carries it once (`?token=`), the page keeps it and sends it as a header; the
 * page load also sets an HttpOnly SameSite=Strict cookie so its own assets load. The Host
 * header must name this loopback address (no DNS rebinding) and sockets must come from this
 * origin (no cross-site WebSocket hijacking).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../host/dispatch';
import type { HostEvents } from '../host/events';

export interface ServeOptions {
  readonly dispatch: Dispatch;
  readonly events: HostEvents;
  /** The built renderer (out/renderer). */
  readonly staticDir: string;
  /** Default DEFAULT_PORT (or a free one when it is taken); 0 picks a free port. */
  readonly port?: number;
  /** Fixed token (tests); default: 32 random bytes, hex. */
  readonly token?: string;
  /** Largest api request body (default MAX_API_BODY_BYTES; `runs.import` gets MAX_IMPORT_BODY_BYTES). */
  readonly maxBodyBytes?: number;
}

/** Any api call but an import: specs, figures and ids are small, so 8 MiB is far above need. */
export const MAX_API_BODY_BYTES = 8 * 1024 * 1024;
/** `runs.import` carries a whole bundle as a string (its schema allows 512 MiB of content). */
export const MAX_IMPORT_BODY_BYTES = 513 * 1024 * 1024;

/** A request body over its limit: answered 413 without buffering the rest. */
class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes, the limit for this call. Nothing was done.`);
  }
}

export interface RunningServer {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const COOKIE = 'lrlab_token';

/**
 * The usual port: a stable origin keeps what the page stores locally (column choices, user
 * presets) across restarts. A free one is used when it is taken.
 */
export const DEFAULT_PORT = 8737;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) {
      try {
        return decodeURIComponent(v);
      } catch {
        return ''; // malformed encoding: no token
      }
    }
  }
  return '';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function unauthorized(res: ServerResponse, html: boolean): void {
  const message = 'Missing or wrong access token. Open the exact URL that `lrlab serve` printed (it carries the token for this start).';
  if (html) {
    res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>LR Lab</title><p>${message}</p>`);
  } else {
    sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message } });
  }
}

/**
 * Reads a request body of at most `limit` bytes. A declared Content-Length over the limit is
 * refused before a byte is read; a body that grows past it (chunked) is refused as soon as it does.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends 413 and closes the connection, so the client stops sending the rest of the body. */
function tooLarge(res: ServerResponse, err: BodyTooLarge): void {
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
  res.end(JSON.stringify({ ok: false, error: { code: 'invalid_request', message: err.message } }));
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const limitFor = (method: string): number =>
    opts.maxBodyBytes ?? (method === 'runs.import' ? MAX_IMPORT_BODY_BYTES : MAX_API_BODY_BYTES);
  let origin = '';
  let port = 0;

  const hostOk = (req: IncomingMessage): boolean => {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  };

  const serveStatic = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const isIndex = url.pathname === '/' || url.pathname === '/index.html';
    if (isIndex) {
      const q = url.searchParams.get('token') ?? '';
      const ok = (q && sameToken(q, token)) || sameToken(cookieToken(req), token);
      if (!ok) return unauthorized(res, true);
    } else if (!sameToken(cookieToken(req), token)) {
      return unauthorized(res, false);
    }
    let rel: string;
    try {
      rel = isIndex ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      // `GET /%`: malformed percent-encoding is the client's mistake, not a server error.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Bad request: the path has malformed percent-encoding.');
      return;
    }
    const file = normalize(join(opts.staticDir, rel));
    if (!file.startsWith(normalize(opts.staticDir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (isIndex) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The renderer is not built (${opts.staticDir} has no index.html). Run \`npm run build\`, then start again.`);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    const headers: Record<string, string> = {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': isIndex ? 'no-store' : 'private, max-age=3600',
    };
    if (isIndex) headers['set-cookie'] = `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    res.end(readFileSync(file));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostOk(req)) {
      res.writeHead(421, { 'content-type': 'text/plain' });
      res.end('Wrong Host header: LR Lab answers only on its loopback address.');
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_request', message: 'Use POST for api calls.' } });
      const header = String(req.headers['x-lrlab-token'] ?? '');
      if (!sameToken(header, token)) return unauthorized(res, false);
      const method = url.pathname.slice('/api/'.length);
      let text: string;
      try {
        text = await readBody(req, limitFor(method));
      } catch (e) {
        if (e instanceof BodyTooLarge) return tooLarge(res, e);
        throw e;
      }
      let input: unknown;
      try {
        input = text ? JSON.parse(text) : {};
      } catch (e) {
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'invalid_request', message: `The request body is not valid JSON (${e instanceof Error ? e.message : String(e)}).` },
        });
      }
      const result = await opts.dispatch(method, input);
      // RPC over HTTP: a call that reached its method answers 200 and carries its own
      // {ok:false} error (an expected refusal is not a transport failure, and browsers log
      // every 4xx as a console error). Transport failures keep their HTTP status.
      const status = !result.ok && result.error.code === 'unknown_method' ? 404 : 200;
      return sendJson(res, status, result);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405);
      res.end();
      return;
    }
    serveStatic(req, res, url);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: String(e) } });
      else res.end();
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin || 'http://127.0.0.1');
    const okToken = sameToken(url.searchParams.get('token') ?? '', token) || sameToken(cookieToken(req), token);
    const okOrigin = req.headers.origin === undefined || req.headers.origin === origin || req.headers.origin === origin.replace('127.0.0.1', 'localhost');
    if (url.pathname !== '/api/events' || !hostOk(req) || !okToken || !okOrigin) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  const unsubscribe = opts.events.subscribe((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  const listen = (p: number) =>
    new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  try {
    await listen(opts.port ?? DEFAULT_PORT);
  } catch (e) {
    // The usual port is taken (another LR Lab?): any free one will do, unless one was asked for.
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || (opts.port !== undefined && opts.port !== DEFAULT_PORT)) throw e;
    await listen(0);
  }
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
