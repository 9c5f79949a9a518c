// Secrets Meridian must read back (API-key secrets, which SigV4 needs in the
// clear, and data connections' S3 credentials) are kept encrypted at rest with
// AES-256-GCM under the server's secret key (see secret-key.ts).
//
// Each value gets a fresh random 96-bit nonce, and is bound to the record it
// belongs to by GCM's associated data (e.g. `api-key:MRDN…`): a ciphertext copied
// into another record, or any byte of it changed, fails to open instead of
// decrypting to something. The sealed form is text, safe to store anywhere:
//
//     v1.<nonce>.<ciphertext>.<tag>      (each part base64url, tag 16 bytes)
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SECRET_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

/** The value cannot be opened: tampered with, sealed for another record, or under another key. */
export class SecretBoxError extends Error {}

function checkKey(key: Uint8Array): void {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`the secret key must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
}

/** Encrypts `plaintext` for the record named by `associatedData`. */
export function seal(key: Uint8Array, plaintext: string, associatedData: string): string {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1.${nonce.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

/** Decrypts what `seal` made with the same key and associated data; a SecretBoxError otherwise. */
export function open(key: Uint8Array, sealed: string, associatedData: string): string {
  checkKey(key);
  const match = SEALED.exec(sealed);
  if (!match) throw new SecretBoxError('not a sealed secret (expected v1.<nonce>.<ciphertext>.<tag>)');
  const [, nonce, ciphertext, tag] = match.map((part) => Buffer.from(part, 'base64url'));
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('not a sealed secret (bad nonce or tag length)');
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('the secret cannot be opened: it was changed, belongs to another record, or was sealed under another key');
  }
}
