/**
 * Messages to the person: api errors (they stay until dismissed), confirmations (they fade),
 * and offers such as "Undo" after a delete.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { errorText } from '../lib/format';

export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
  readonly action?: { readonly label: string; readonly run: () => void | Promise<void> };
}

export const useNoticesStore = defineStore('notices', () => {
  const items = ref<Notice[]>([]);
  let next = 1;

  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id);
  }

  function push(n: Omit<Notice, 'id'>, ttlMs: number | null = n.kind === 'info' ? 8000 : null): number {
    const id = next++;
    items.value = [...items.value.slice(-4), { ...n, id }];
    if (ttlMs !== null) setTimeout(() => dismiss(id), ttlMs);
    return id;
  }

  const info = (text: string, action?: Notice['action'], ttlMs?: number): number =>
    push(action ? { kind: 'info', text, action } : { kind: 'info', text }, ttlMs ?? 8000);
  const error = (context: string, e: unknown): number => push({ kind: 'error', text: `${context}: ${errorText(e)}` });

  async function act(n: Notice): Promise<void> {
    dismiss(n.id);
    try {
      await n.action?.run();
    } catch (e) {
      error(n.action?.label ?? 'Action', e);
    }
  }

  return { items, push, info, error, dismiss, act };
});
