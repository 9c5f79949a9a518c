// Sign-in attempts are counted per email and per client address in fixed windows
// (the store's countAttempt), before the password is checked, so that parallel
// guesses count too. Over either limit the attempt is refused with the seconds
// left in the window.
import { TooManyRequestsError } from '../errors.ts';
import type { Clock } from './accounts-context.ts';
import type { MetadataStore } from '../metadata-store/metadata-store.port.ts';

export interface SignInLimit {
  perEmail: number;
  perIp: number;
  windowSeconds: number;
}

/** Seconds until the current window ends; windows are aligned to the epoch, as countAttempt's are. */
export function secondsLeftInWindow(clock: Clock, windowSeconds: number): number {
  const nowSeconds = clock() / 1000;
  const end = (Math.floor(nowSeconds / windowSeconds) + 1) * windowSeconds;
  return Math.max(1, Math.ceil(end - nowSeconds));
}

export async function countSignInAttempt(
  deps: { store: MetadataStore; clock: Clock }, limit: SignInLimit, attempt: { email: string; ip: string },
): Promise<void> {
  const [byEmail, byIp] = await Promise.all([
    deps.store.countAttempt(`sign-in:email:${attempt.email.trim().toLowerCase()}`, limit.windowSeconds),
    deps.store.countAttempt(`sign-in:ip:${attempt.ip}`, limit.windowSeconds),
  ]);
  if (byEmail > limit.perEmail || byIp > limit.perIp) {
    const retryAfter = secondsLeftInWindow(deps.clock, limit.windowSeconds);
    throw new TooManyRequestsError(`too many sign-in attempts; try again in ${retryAfter} seconds`, retryAfter);
  }
}
