import type { EventName, EventPayload } from '../../api/contract';

type Listener = (event: EventName, payload: unknown) => void;

/** Fan-out of host events to every connected client (windows, sockets, tests). */
export class HostEvents {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        // A broken client must not break the others or the emitter.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
