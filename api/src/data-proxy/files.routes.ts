// The files of a repository as JSON, for the web app and scripts:
//
//   GET /api/v1/repositories/{account}/{repository}/files?prefix=&delimiter=/&limit=&cursor=
//
// Pages like every management API listing (`limit` 1–100, the previous page's
// `next` as `cursor`); with a delimiter, the keys that continue past it are
// folded into `directories`, which count towards the page like files. Each
// file has its download URL under /data.
import { Router, type Request } from 'express';
import { ValidationError } from '@meridian/core/errors';
import { checkPageOptions } from '@meridian/core/metadata-store/page-options';
import type { ObjectInfo } from '@meridian/core/object-store/object-store.port';
import { callerOf } from '../accounts/authentication.ts';
import { baseUrl } from '../http/base-url.ts';
import { servedContentType } from './content-type.ts';
import { dataTarget, type DataProxyDeps } from './data-target.ts';

/** `/data/{account}/{repository}/{key}`, each segment percent-encoded. */
export const downloadPath = (account: string, repository: string, key: string) =>
  `/data/${account}/${repository}/${key.split('/').map(encodeURIComponent).join('/')}`;

function text(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationError(`${name} must be given once, as text`);
  return value;
}

export function filesRoutes(deps: DataProxyDeps): Router {
  const router = Router();
  router.get('/repositories/:account/:repository/files', async (req, res) => {
    const { repository, store } = await dataTarget(deps, callerOf(req), req.params.account, req.params.repository, 'read');
    const { limit, cursor } = checkPageOptions(req.query);
    const page = await store.list({
      prefix: text(req, 'prefix') ?? '',
      delimiter: text(req, 'delimiter') || undefined,
      maxKeys: limit,
      ...(cursor !== undefined ? { continuationToken: cursor } : {}),
    });
    const base = baseUrl(req, deps.config.publicUrl);
    const file = (o: ObjectInfo) => ({
      key: o.key, size: o.size, etag: o.etag, lastModified: o.lastModified.toISOString(), contentType: servedContentType(o.key, o.contentType),
      href: base + downloadPath(repository.accountId, repository.repositoryId, o.key),
    });
    res.json({ files: page.objects.map(file), directories: page.commonPrefixes, ...(page.nextContinuationToken ? { next: page.nextContinuationToken } : {}) });
  });
  return router;
}
