// Page cursors: DynamoDB's LastEvaluatedKey as base64url JSON. A cursor comes back
// from clients, so it is checked before it reaches DynamoDB: it must decode to an
// object holding exactly the key attributes of the table or index being read, each
// a string, and — for a query — the partition being queried.
import { ValidationError } from '../../errors.ts';
import type { ListOptions } from '../metadata-store.port.ts';

export type Key = Record<string, string>;

const MAX_CURSOR_LENGTH = 4096;
export const MAX_LIMIT = 1000;

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key || Object.keys(key).length === 0) return undefined;
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * @param attributes the key attributes a LastEvaluatedKey of this read carries
 * @param fixed attribute values the key must have (the queried partition)
 */
export function decodeCursor(cursor: string | undefined, attributes: readonly string[], fixed: Key = {}): Key | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => new ValidationError('the page cursor is invalid: pass back the `next` value of the previous page unchanged');
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  const key = value as Record<string, unknown>;
  const names = Object.keys(key);
  if (names.length !== new Set(attributes).size || !attributes.every((name) => Object.hasOwn(key, name))) throw invalid();
  if (!names.every((name) => typeof key[name] === 'string' && (key[name] as string).length > 0)) throw invalid();
  for (const [name, expected] of Object.entries(fixed)) if (key[name] !== expected) throw invalid();
  return key as Key;
}

export function checkLimit(options: ListOptions): number {
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}
