/** The experiments service: the experiment kinds of the engine's registry, as clients need them. */
import type { ApiServices } from '../../api/contract';
import type { ExperimentRegistry } from '../../../engine/experiments/registry';

export function createExperimentsService(registry: ExperimentRegistry): ApiServices['experiments'] {
  return {
    kinds() {
      return registry.infos().map((k) => ({
        ...k,
        fields: k.fields.map((f) => ({ ...f })),
        conditions: [...k.conditions],
        metrics: k.metrics.map(({ bounds, ...m }) => ({ ...m, ...(bounds ? { bounds: [bounds[0], bounds[1]] as [number | null, number | null] } : {}) })),
        defaultColumns: [...k.defaultColumns],
        defaultPanels: [...k.defaultPanels],
        layouts: k.layouts.map((l) => ({ ...l, panels: [...l.panels] })),
        capabilities: { ...k.capabilities },
      }));
    },
  };
}
