/**
 * The method and event names as plain data (no schema library), for the preload and the
 * browser client, which build the `api` object from them. A test checks they match schemas.ts.
 */
export const METHOD_NAMES = [
  'system.info',
  'runs.list',
  'runs.get',
  'runs.series',
  'runs.aggregate',
  'runs.rename',
  'runs.setNotes',
  'runs.setTags',
  'runs.tags',
  'runs.delete',
  'runs.restore',
  'runs.purge',
  'runs.export',
  'runs.import',
  'experiments.kinds',
  'training.presets',
  'training.specSchema',
  'training.validate',
  'training.schedulePreview',
  'training.launch',
  'training.planComparison',
  'training.launchComparison',
  'training.cancel',
  'training.resume',
  'training.queue',
  'training.executors',
  'datasets.list',
  'datasets.importCifar10',
  'figures.list',
  'figures.save',
  'figures.delete',
  'figures.get',
  'figures.data',
  'figures.render',
  'figures.saveAs',
  'patches.preview',
] as const;

export const EVENT_NAMES = [
  'training.onDidProgress',
  'training.onDidChangeStatus',
  'runs.onDidChange',
  'datasets.onDidImportProgress',
] as const;

/** IPC channel for a method or event (Electron). */
export const ipcChannel = (name: string): string => `lrlab:${name}`;
