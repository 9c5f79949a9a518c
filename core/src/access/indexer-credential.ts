// The indexer's service credential: how a crawl proves to the data proxy that it
// is the indexer. It is derived from the server's secret key (HMAC-SHA256 of a
// fixed label), so every process that shares SECRET_KEY — the api and any number
// of indexer processes — knows it without another secret to store, configure or
// leak, and replacing SECRET_KEY replaces it. It is sent as
// `Authorization: Bearer mrdn-indexer.<base64url>`; the api turns it into the
// access rule's INDEXER caller (access-rule.ts), which reads every repository and
// may do nothing else. Never logged.
import { createHmac } from 'node:crypto';
import { sameSecret } from '../crypto/same-secret.ts';

export const INDEXER_TOKEN_PREFIX = 'mrdn-indexer.';

export function indexerToken(secretKey: Buffer): string {
  return INDEXER_TOKEN_PREFIX + createHmac('sha256', secretKey).update('meridian indexer credential v1').digest('base64url');
}

/** Whether a bearer value has the indexer credential's form (it may still be wrong). */
export const looksLikeIndexerToken = (value: string) => value.startsWith(INDEXER_TOKEN_PREFIX);

/** Compared in constant time. */
export const isIndexerToken = (value: string, secretKey: Buffer) => sameSecret(value, indexerToken(secretKey));
