// Item ids for files: stable (the same key always gives the same id), unique
// within the repository, URL-safe and readable. A key of unreserved URL
// characters maps one-to-one by writing `/` as `~`; any other key becomes a slug
// with part of its SHA-256 appended, so two keys never share an id.
import { createHash } from 'node:crypto';
import { MAX_ID_LENGTH } from '@meridian/core/catalog-index/index-record';

const PLAIN = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function itemIdForKey(key: string): string {
  const plain = key.replace(/\//g, '~');
  if (PLAIN.test(key) && !/^\.+$/.test(key) && plain.length <= MAX_ID_LENGTH) return plain;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  const slug = key.normalize('NFKD').replace(/[^A-Za-z0-9._~-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_ID_LENGTH - hash.length - 1);
  return slug ? `${slug}-${hash}` : hash;
}
