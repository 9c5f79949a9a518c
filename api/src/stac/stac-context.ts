import type { Request } from 'express';
import { catalogVisibility, decide, type CatalogVisibility } from '@meridian/core/access/access-rule';
import type { CatalogIndex } from '@meridian/core/catalog-index/catalog-index.port';
import type { Config } from '@meridian/core/config/config';
import { NotFoundError } from '@meridian/core/errors';
import { callerOf } from '../accounts/authentication.ts';
import { baseUrl } from '../http/base-url.ts';
import { StacLinks } from './links.ts';

export interface StacDeps {
  catalog: CatalogIndex;
  config: Config;
  adminToken: string;
}

export function linksFor(req: Request, deps: StacDeps): StacLinks {
  return new StacLinks(baseUrl(req, deps.config.publicUrl));
}

/** The absolute URL of this request, as clients see it (under PUBLIC_URL's path, if it has one). */
export function requestUrl(req: Request, deps: StacDeps): URL {
  return new URL(`${baseUrl(req, deps.config.publicUrl)}${req.originalUrl}`);
}

/** A collection that exists, whoever may read it: for writes, already allowed by their guard. */
export async function requireCollection(deps: StacDeps, id: string) {
  const collection = await deps.catalog.getCollection(id);
  if (!collection) throw new NotFoundError(`collection "${id}" does not exist`);
  return collection;
}

/**
 * A collection the caller may read, by the access rule of its repository. One it
 * may not read is answered exactly as one that does not exist.
 */
export async function requireReadableCollection(req: Request, deps: StacDeps, id: string) {
  const repository = await deps.catalog.collectionRepository(id);
  if (repository === undefined) throw new NotFoundError(`collection "${id}" does not exist`);
  if (repository !== null && !decide(callerOf(req), 'repository:read', repository).allowed) {
    throw new NotFoundError(`collection "${id}" does not exist`);
  }
  return requireCollection(deps, id);
}

/** What the caller may find in listings, search and aggregations. */
export function visibilityOf(req: Request): CatalogVisibility {
  return catalogVisibility(callerOf(req));
}

export function pathParam(req: Request, name: string): string {
  const value = req.params[name];
  return Array.isArray(value) ? value.join('/') : String(value);
}
