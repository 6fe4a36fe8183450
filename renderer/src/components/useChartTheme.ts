/** The chart theme from the page's CSS variables, updated when the OS switches light/dark. */
import { onBeforeUnmount, shallowRef } from 'vue';
import type { ShallowRef } from 'vue';
import type { ChartTheme } from '../charts/theme';
import { lightTheme, themeFromStyle } from '../charts/theme';

export function useChartTheme(): ShallowRef<ChartTheme> {
  const read = (): ChartTheme => (typeof window === 'undefined' ? lightTheme : themeFromStyle(window.getComputedStyle(document.documentElement)));
  const theme = shallowRef(read());
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const onChange = (): void => {
    theme.value = read();
  };
  mq?.addEventListener('change', onChange);
  onBeforeUnmount(() => mq?.removeEventListener('change', onChange));
  return theme;
}
