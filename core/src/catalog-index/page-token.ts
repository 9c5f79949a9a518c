// Page tokens carry the sort values of the row a page starts after (or before),
// so paging costs the same at page 1 and page 10,000 (keyset pagination).
import { ValidationError } from '../errors.ts';

export interface PageToken {
  /** `n`: rows after `values`; `p`: rows before them. */
  direction: 'n' | 'p';
  values: (string | number | null)[];
}

export function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify([token.direction, ...token.values])).toString('base64url');
}

export function decodeToken(text: string, expectedValues: number): PageToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('token is not one this server issued');
  }
  if (!Array.isArray(parsed) || (parsed[0] !== 'n' && parsed[0] !== 'p') || parsed.length !== expectedValues + 1
    || !parsed.slice(1).every((v) => v === null || typeof v === 'string' || typeof v === 'number')) {
    throw new ValidationError('token does not match this search (was sortby changed?)');
  }
  return { direction: parsed[0], values: parsed.slice(1) };
}
