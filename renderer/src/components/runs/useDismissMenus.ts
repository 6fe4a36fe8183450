/**
 * The run browser's <details class="dropdown"> menus close on a click elsewhere or on Escape,
 * like any menu. Listens while the calling component is mounted.
 */
import { onBeforeUnmount, onMounted } from 'vue';

function closeMenus(ev: Event): void {
  for (const d of document.querySelectorAll<HTMLDetailsElement>('details.dropdown[open]')) {
    if (ev.type === 'keydown' ? (ev as KeyboardEvent).key === 'Escape' : !d.contains(ev.target as Node)) {
      d.open = false;
      if (ev.type === 'keydown') d.querySelector('summary')?.focus();
    }
  }
}

export function useDismissMenus(): void {
  onMounted(() => {
    document.addEventListener('click', closeMenus);
    document.addEventListener('keydown', closeMenus);
  });
  onBeforeUnmount(() => {
    document.removeEventListener('click', closeMenus);
    document.removeEventListener('keydown', closeMenus);
  });
}
