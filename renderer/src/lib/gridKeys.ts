/**
 * Keyboard movement in the virtual run table, as pure arithmetic: which row ↑/↓ moves to and
 * how far the body must scroll so that row is in view.
 */

/** The row index ↑ or ↓ moves to from `index`, kept inside [0, total - 1]. */
export function nextRowIndex(index: number, key: 'ArrowDown' | 'ArrowUp', total: number): number {
  return Math.max(0, Math.min(total - 1, index + (key === 'ArrowDown' ? 1 : -1)));
}

/** The body's scrollTop that brings row `index` (rows of `rowH` px) into a view of `viewH` px, scrolling as little as possible. */
export function scrollToRow(index: number, rowH: number, scrollTop: number, viewH: number): number {
  const top = index * rowH;
  if (top < scrollTop) return top;
  if (top + rowH > scrollTop + viewH) return top + rowH - viewH;
  return scrollTop;
}
