import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES } from './channels';
import { events, methods } from './schemas';

describe('api channel lists', () => {
  it('name exactly the methods and events of the schema tables', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(methods).sort());
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(events).sort());
  });

  it('name events onDidX', () => {
    for (const e of EVENT_NAMES) expect(e).toMatch(/^[a-z]+\.onDid[A-Z]\w+$/);
  });
});
