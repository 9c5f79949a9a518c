// What every accounts service receives: the metadata store and a clock. Services
// construct no clients and read no environment (DESIGN §2).
import { ConflictError } from '../errors.ts';
import type { MetadataStore } from '../metadata-store/metadata-store.port.ts';
import type { Account } from './accounts.types.ts';

/** Epoch milliseconds; tests move it. */
export type Clock = () => number;

export interface AccountsDeps {
  store: MetadataStore;
  clock: Clock;
}

export const isoTime = (clock: Clock) => new Date(clock()).toISOString();

/**
 * The updatedAt of a new version: now, but always later than the previous one.
 * Conditional writes compare updatedAt, so two versions must never share one,
 * even when written within one millisecond or under a stopped test clock.
 */
export function nextUpdatedAt(clock: Clock, previous: string): string {
  const now = clock();
  const before = Date.parse(previous);
  return new Date(Number.isNaN(before) || now > before ? now : before + 1).toISOString();
}

/**
 * Read, change, write conditionally on the version read; when someone else wrote
 * in between, read again and re-apply (the changes here are patches, so applying
 * them to the newer version is what the caller meant). `change` may throw to refuse.
 */
export async function updateAccountWith(
  deps: AccountsDeps, account: Account, change: (current: Account) => Account | Promise<Account>,
): Promise<Account> {
  let current = account;
  for (let attempt = 1; ; attempt++) {
    const next = { ...(await change(current)), id: current.id, updatedAt: nextUpdatedAt(deps.clock, current.updatedAt) };
    try {
      await deps.store.updateAccount(next, current.updatedAt);
      return next;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 3) throw error;
      const reread = await deps.store.getAccount(current.id);
      if (!reread) throw error;
      current = reread;
    }
  }
}
