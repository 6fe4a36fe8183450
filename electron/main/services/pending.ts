// Services whose implementation has not landed yet answer with a clear 'unavailable' error.
import type { ApiServices } from '@api/contract';
import { HostError } from '../host/errors';

function pending<T extends object>(service: string, names: readonly string[]): T {
  const out: Record<string, () => never> = {};
  for (const n of names) {
    out[n] = () => {
      throw new HostError('unavailable', `${service}.${n} is not available in this build of LR Lab yet.`);
    };
  }
  return out as unknown as T;
}

export function createPendingServices(): Omit<ApiServices, 'system'> {
  return {
    runs: pending('runs', ['list', 'get', 'series', 'aggregate', 'rename', 'setNotes', 'setTags', 'tags', 'delete', 'restore', 'purge', 'export', 'import']),
    training: pending('training', ['presets', 'specSchema', 'validate', 'schedulePreview', 'launch', 'launchComparison', 'cancel', 'resume', 'queue']),
    datasets: pending('datasets', ['list', 'importCifar10']),
    figures: pending('figures', ['list', 'save', 'delete']),
  };
}
