/** What every generated field needs from the form that holds it (provided once, injected by each field). */
import type { InjectionKey } from 'vue';
import type { JsonSchema, Path } from '../lib/schemaForm';

export interface SpecFormContext {
  readonly root: () => JsonSchema;
  readonly problems: () => ReadonlyMap<string, string>;
  set(path: Path, value: unknown): void;
  setVariant(path: Path, unionSchema: JsonSchema, tag: unknown): void;
}

export const specFormKey: InjectionKey<SpecFormContext> = Symbol('specForm');
