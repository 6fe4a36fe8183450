import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { HostEvents } from '../host/events';
import { startServer, type RunningServer } from './server';

let server: RunningServer;
const events = new HostEvents();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lrlab-srv-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><p>app</p>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  server = await startServer({
    dispatch: async (method, input) =>
      method === 'system.echo'
        ? { ok: true, value: input }
        : method === 'runs.get'
          ? { ok: false, error: { code: 'not_found', message: 'No run "x".' } }
          : { ok: false, error: { code: 'unknown_method', message: 'no' } },
    events,
    staticDir: dir,
    port: 0,
  });
});
afterAll(async () => server.close());

function raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('browser-mode server', () => {
  it('binds to 127.0.0.1 and prints a tokened URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('requires the token for the page, its assets and every api call', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/?token=wrong')).status).toBe(401);
    expect((await raw('/app.js')).status).toBe(401);
    const page = await raw(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    const cookie = String((page.headers['set-cookie'] as string[])[0]).split(';')[0] ?? '';
    expect(page.headers['set-cookie']?.toString()).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await raw('/app.js', { headers: { cookie } })).status).toBe(200);

    expect((await raw('/api/system.echo', { method: 'POST', body: '{}' })).status).toBe(401);
    const ok = await raw('/api/system.echo', { method: 'POST', headers: { 'x-lrlab-token': server.token }, body: '{"a":1}' });
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: { a: 1 } });
  });

  it('refuses foreign Host headers (DNS rebinding) and path traversal', async () => {
    const r = await raw(`/?token=${server.token}`, { headers: { host: 'evil.example:80' } });
    expect(r.status).toBe(421);
    const page = await raw(`/?token=${server.token}`);
    const cookie = String((page.headers['set-cookie'] as string[])[0]).split(';')[0] ?? '';
    expect((await raw('/..%2f..%2fetc%2fpasswd', { headers: { cookie } })).status).toBe(404);
  });

  it('answers malformed percent-encoding in a path (or cookie) with 400, not 500', async () => {
    const page = await raw(`/?token=${server.token}`);
    const cookie = String((page.headers['set-cookie'] as string[])[0]).split(';')[0] ?? '';
    expect((await raw('/%', { headers: { cookie } })).status).toBe(400);
    expect((await raw('/app%E0%A4%A.js', { headers: { cookie } })).status).toBe(400);
    expect((await raw('/app.js', { headers: { cookie: 'lrlab_token=%' } })).status).toBe(401);
  });

  it('refuses a body over the limit from its Content-Length, before buffering it (413)', async () => {
    // Declares 9 MiB but sends 10 bytes: the answer must come from the header alone.
    const r = await raw('/api/system.echo', {
      method: 'POST',
      headers: { 'x-lrlab-token': server.token, 'content-length': String(9 * 1024 * 1024) },
      body: '{"a":1234}',
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/larger than 8388608 bytes/) } });
  });

  it('refuses a chunked body as soon as it passes the limit (413, not "not valid JSON")', async () => {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/system.echo', method: 'POST', headers: { 'x-lrlab-token': server.token } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 9; i++) req.write(chunk);
      req.end();
    });
    expect(r.status).toBe(413);
  });

  it('answers bad JSON with a structured error', async () => {
    const r = await raw('/api/system.echo', { method: 'POST', headers: { 'x-lrlab-token': server.token }, body: '{nope' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('carries a refused call as {ok:false} in a 200 (RPC), an unknown method as 404', async () => {
    const refused = await raw('/api/runs.get', { method: 'POST', headers: { 'x-lrlab-token': server.token }, body: '{}' });
    expect(refused.status).toBe(200);
    expect(JSON.parse(refused.body)).toEqual({ ok: false, error: { code: 'not_found', message: 'No run "x".' } });
    const unknown = await raw('/api/runs.nope', { method: 'POST', headers: { 'x-lrlab-token': server.token }, body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('streams events over a tokened socket and refuses others', async () => {
    const bad = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=nope`);
    await expect(new Promise((res, rej) => { bad.on('open', res); bad.on('error', rej); })).rejects.toThrow(/401/);

    const foreign = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { origin: 'http://evil.example' });
    await expect(new Promise((res, rej) => { foreign.on('open', res); foreign.on('error', rej); })).rejects.toThrow(/401/);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { origin: server.origin });
    await new Promise((res) => ws.on('open', res));
    const got = new Promise<string>((res) => ws.on('message', (m) => res(String(m))));
    events.emit('runs.onDidChange', { runIds: ['a'], reason: 'test' });
    expect(JSON.parse(await got)).toEqual({ event: 'runs.onDidChange', payload: { runIds: ['a'], reason: 'test' } });
    ws.close();
  });
});
