import type { Request } from 'express';
import type { CatalogIndex } from '@meridian/core/catalog-index/catalog-index.port';
import type { Config } from '@meridian/core/config/config';
import { NotFoundError } from '@meridian/core/errors';
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

export async function requireCollection(deps: StacDeps, id: string) {
  const collection = await deps.catalog.getCollection(id);
  if (!collection) throw new NotFoundError(`collection "${id}" does not exist`);
  return collection;
}

export function pathParam(req: Request, name: string): string {
  const value = req.params[name];
  return Array.isArray(value) ? value.join('/') : String(value);
}
