// A running crawl's status, written to the index state as it goes: at every phase
// change, and between them at most once a second, so that the status API (and
// its server-sent events, which poll the state) show live progress without a
// write per object.
import type { IndexStateStore, IndexStatus } from '@meridian/core/index-state/index-state.port';

const INTERVAL_MS = 1000;

export class ProgressWriter {
  readonly status: IndexStatus;
  readonly #state: IndexStateStore;
  readonly #now: () => string;
  #last = 0;

  constructor(state: IndexStateStore, status: IndexStatus, now: () => string) {
    this.#state = state;
    this.status = status;
    this.#now = now;
  }

  /** Writes `status` (default: the running one) now. */
  async write(status: IndexStatus = this.status): Promise<void> {
    this.#last = Date.now();
    await this.#state.putStatus({ ...status, updatedAt: this.#now() });
  }

  /** Writes the running status when the last write is a second old. */
  async maybe(): Promise<void> {
    if (Date.now() - this.#last >= INTERVAL_MS) await this.write();
  }
}
