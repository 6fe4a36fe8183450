/**
 * For the webgpu tests: initializes the webgpu backend (forced, so LR Lab's lavapipe stands in
 * where there is no GPU) and says why it is unavailable. A test calls `needWebgpu(ctx)`: without
 * an adapter it skips with that reason, except under CI=true, where a missing adapter fails
 * (CI installs lavapipe with `npm run setup:lavapipe`, run by the test command's pretest).
 */
import { initBackend } from './backend';

let why: string | null | undefined;

/** Null when webgpu works here, else the reason it does not. */
export async function webgpuUnavailable(): Promise<string | null> {
  if (why !== undefined) return why;
  try {
    await initBackend({ force: 'webgpu' });
    why = null;
  } catch (e) {
    why = e instanceof Error ? e.message : String(e);
  }
  return why;
}

/** Skips the test (or, under CI=true, fails it) when there is no webgpu adapter. */
export async function needWebgpu(ctx: { skip: (note?: string) => void }): Promise<void> {
  const reason = await webgpuUnavailable();
  if (reason === null) return;
  if (process.env['CI'] === 'true') throw new Error(`webgpu tests cannot run under CI=true: ${reason}. Run npm run setup:lavapipe.`);
  ctx.skip(`no webgpu adapter: ${reason}`);
}
