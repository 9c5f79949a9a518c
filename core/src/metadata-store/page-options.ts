// The `limit` and `cursor` query parameters of a listing endpoint, checked.
import { ValidationError } from '../errors.ts';
import type { ListOptions } from './metadata-store.port.ts';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export function checkPageOptions(options: { limit?: unknown; cursor?: unknown }): ListOptions {
  const limit = options.limit === undefined ? DEFAULT_PAGE_SIZE : Number(options.limit);
  if (typeof options.limit === 'object' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (options.cursor !== undefined && typeof options.cursor !== 'string') throw new ValidationError('cursor must be a string');
  return { limit, cursor: options.cursor };
}
