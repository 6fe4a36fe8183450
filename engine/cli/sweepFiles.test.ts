import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSweep, parseSweepSpec } from './sweep';

describe('example sweep files', () => {
  const dir = join(import.meta.dirname, '../experiments/synthetic/sweeps');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    it(`${f} expands into valid run specs`, () => {
      const sweep = parseSweepSpec(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      const specs = expandSweep(sweep);
      expect(specs).toHaveLength(sweep.grid.reduce((n, a) => n * a.values.length, sweep.values.length) * sweep.seeds.length);
    });
  }
});
