// Password hashing: argon2id (@node-rs/argon2's default algorithm) with its
// default cost — 19 MiB of memory, 2 passes, 1 lane, OWASP's recommended minimum.
// The PHC string it returns records the parameters, so stronger ones can be
// adopted later without invalidating stored hashes.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks `password` against `stored`. With no stored hash (unknown email, account
 * without a password) it verifies against a throwaway hash all the same, so the
 * answer takes as long as for a real account and does not tell which emails exist.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= hash(randomBytes(16).toString('hex'));
  const target = stored ?? (await dummyHash);
  try {
    const ok = await verify(target, password);
    return ok && stored !== undefined;
  } catch {
    return false; // a malformed stored hash matches nothing
  }
}
