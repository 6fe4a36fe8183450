/** Small display formatters shared by the views. */
export function fmtNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export function fmtDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** An ApiCallError (or anything thrown) as one line for a person, with the spec problems if any. */
export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const msg = String((e as { message: unknown }).message);
    const issues = (e as { issues?: readonly { path: string; message: string }[] }).issues;
    if (issues && issues.length > 0) return `${msg}: ${issues.map((i) => `${i.path || '(spec)'} — ${i.message}`).join('; ')}`;
    return msg;
  }
  return String(e);
}

/** Markdown-light: **bold**, *italic*, `code`, line breaks; everything else escaped. */
export function markdownLight(src: string): string {
  const esc = src.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return esc
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\n]+)\*/g, '$1<em>$2</em>')
    .replace(/^- (.*)$/gm, '• $1')
    .replace(/\n/g, '<br>');
}

/**
 * A label split for a middle ellipsis: the head may be cut (CSS ellipsis), the tail always
 * shows, so `…-small-lr` and `…-small-lr-noise` stay apart in a narrow column. The tail is the
 * last `tail` characters, moved back to the start of a word (after `-`, `_`, ` `, `/`) when one
 * is near (a shorter tail preferred), and never the whole text.
 */
export function middleSplit(text: string, tail = 12): { head: string; tail: string } {
  if (text.length <= tail + 3) return { head: text, tail: '' };
  const start = text.length - tail;
  const wordStart = (i: number): boolean => i > 0 && '-_ /'.includes(text[i - 1] ?? '');
  // The nearest word start: a few characters later (a shorter tail) before a few earlier.
  const later = [0, 1, 2, 3, 4, 5].map((d) => start + d).find((i) => i < text.length - 3 && wordStart(i));
  const earlier = [1, 2, 3, 4, 5].map((d) => start - d).find((i) => i > 0 && wordStart(i));
  const at = later ?? earlier ?? start;
  return { head: text.slice(0, at), tail: text.slice(at) };
}
