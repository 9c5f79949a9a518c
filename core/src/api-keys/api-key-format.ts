// What an API key looks like. Modelled on AWS access keys, so that S3 tools can
// use one for SigV4 through the data proxy:
//
//   access key id  MRDN + 16 characters of RFC 4648 base32 (A–Z, 2–7): 20 characters,
//                  80 random bits; not secret, it names the key
//   secret         40 characters of base64url (A–Z, a–z, 0–9, -, _): 240 random bits
//
// Programs send both in one header, the id and the secret joined by a dot:
//
//   Authorization: Bearer MRDNABCDEFGHIJKLMNOP.<40-character secret>
//
// A bearer value of any other form is not an API key (the STAC API's admin token
// is one), and the API-key authenticator leaves it alone.
import { randomBytes } from 'node:crypto';

export const ACCESS_KEY_ID = /^MRDN[A-Z2-7]{16}$/;
export const SECRET_ACCESS_KEY = /^[A-Za-z0-9_-]{40}$/;
const TOKEN = /^(MRDN[A-Z2-7]{16})\.([A-Za-z0-9_-]{40})$/;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, of a whole number of 5-byte groups. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export const newAccessKeyId = (): string => `MRDN${base32(randomBytes(10))}`;
export const newSecretAccessKey = (): string => randomBytes(30).toString('base64url');

/** The bearer token of a key: what programs put after `Authorization: Bearer `. */
export const apiKeyToken = (accessKeyId: string, secret: string): string => `${accessKeyId}.${secret}`;

/** The id and secret of a bearer value in the API-key form; undefined for any other value. */
export function parseApiKeyToken(token: string): { accessKeyId: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { accessKeyId: match[1], secret: match[2] } : undefined;
}

/** The associated data that binds a key's sealed secret to its record. */
export const apiKeySecretContext = (accessKeyId: string): string => `api-key:${accessKeyId}`;
