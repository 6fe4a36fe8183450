/**
 * Seeds the e2e store with comparison runs (made-up curves through the real store; see
 * electron/main/figures/fixtures.ts) and prints their ids as JSON.
 * `node --import tsx e2e/seed-figures.ts STORE TAG [points] [presets] [seeds] [every: default the spec's steps over the points] [keys]`
 */
import { openStore } from '../storage';
import { seedComparisonRuns } from '../electron/main/figures/fixtures';

const [file, tag, points = '600', presets = 'toy-ls,toy-s,toy-noise', seeds = '1,2', every, keys] = process.argv.slice(2);
if (!file || !tag) throw new Error('usage: seed-figures.ts STORE TAG [points] [presets] [seeds] [every]');
const store = openStore(file);
try {
  const ids = seedComparisonRuns(store, {
    points: Number(points),
    ...(every ? { every: Number(every) } : {}),
    ...(keys ? { keys: keys.split(',') } : {}),
    presets: presets.split(','),
    seeds: seeds.split(',').map(Number),
    tag,
    ...(tag.endsWith('-collapse') ? { collapse: { preset: presets.split(',')[1] ?? 'toy-s', seed: 2 } } : {}),
  });
  process.stdout.write(JSON.stringify(ids) + '\n');
} finally {
  store.close();
}
