// GET and HEAD of `/data/{account}/{repository}/{key}` (S3 GetObject and
// HeadObject): the object streamed from its store with backpressure, never
// buffered whole, with the validators, conditional requests and ranges of
// read-plan.ts. HEAD answers exactly what GET would, without the body.
import type { Request, RequestHandler, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { ObjectBody, ObjectInfo, ObjectStore } from '@meridian/core/object-store/object-store.port';
import { servedContentType } from './content-type.ts';
import { noSuchKey, objectTarget, type DataProxyDeps } from './data-target.ts';
import { httpDate, planRead, type ReadPlan } from './read-plan.ts';
import { S3Error } from './s3-error.ts';

/** How often an object replaced between its HEAD and its GET is looked at again. */
const ATTEMPTS = 3;

function describe(res: Response, info: ObjectInfo, key: string, publicRepository: boolean): void {
  res.set({
    ETag: info.etag,
    'Last-Modified': httpDate(info.lastModified),
    'Accept-Ranges': 'bytes',
    // Always revalidated (cheap with the ETag); files of repositories not open to all stay out of shared caches.
    'Cache-Control': publicRepository ? 'no-cache' : 'private, no-cache',
  });
  // As stored or named, never with a charset Express would add: nothing says a text file is UTF-8.
  res.setHeader('Content-Type', servedContentType(key, info.contentType));
}

/** The plan's refusals; undefined when the object is to be sent. */
function refusal(plan: ReadPlan, info: ObjectInfo, req: Request): S3Error | 'not-modified' | undefined {
  switch (plan.status) {
    case 304: return 'not-modified';
    case 412: return new S3Error('PreconditionFailed', undefined, { details: { Condition: plan.condition } });
    case 416: return new S3Error('InvalidRange', undefined, {
      headers: { 'Content-Range': `bytes */${info.size}` },
      details: { RangeRequested: String(req.headers.range), ActualObjectSize: String(info.size) },
    });
  }
  return undefined;
}

/**
 * Sends the body, through the backend's own writer when it has one (the
 * filesystem's reuses its buffers). When the client goes away, the backend's
 * file or connection is released; when the backend fails part-way, the response
 * is cut short, so the client sees a truncated body, never a complete-looking one.
 */
async function stream(req: Request, res: Response, body: ObjectBody): Promise<void> {
  try {
    await (body.writeTo ? body.writeTo(res) : pipeline(body.body, res));
  } catch (error) {
    // pipeline has destroyed both streams already; writeTo leaves the response to us.
    if (!body.writeTo) body.body.destroy();
    res.destroy();
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') req.log?.debug('the client left before the whole object was sent');
    else req.log?.warn({ err: error }, 'reading the object failed part-way');
  }
}

/** The object, or the range of it the plan wants, re-planned if it was replaced meanwhile; undefined when it is gone. */
async function openPlanned(store: ObjectStore, key: string, req: Request): Promise<{ info: ObjectInfo; plan: ReadPlan; body?: ObjectBody } | undefined> {
  for (let attempt = 1; ; attempt++) {
    // Without a Range, one request to the backend answers everything: the body comes with its validators.
    if (req.method === 'GET' && req.headers.range === undefined) {
      const body = await store.get(key);
      if (!body) return undefined;
      const plan = planRead(req.headers, body.info);
      if (plan.status !== 200) body.body.destroy();
      return { info: body.info, plan, ...(plan.status === 200 ? { body } : {}) };
    }
    const info = await store.head(key);
    if (!info) return undefined;
    const plan = planRead(req.headers, info);
    if (req.method === 'HEAD' || (plan.status !== 200 && plan.status !== 206)) return { info, plan };
    const body = await store.get(key, plan.status === 206 ? { range: plan.range } : {});
    if (!body) return undefined;
    if (body.info.etag === info.etag) return { info, plan, body };
    body.body.destroy();
    if (attempt >= ATTEMPTS) throw new S3Error('SlowDown', 'the object keeps changing while it is read; try again');
  }
}

export function objectDownload(deps: DataProxyDeps): RequestHandler {
  return async (req, res) => {
    const { store, key, repository } = await objectTarget(deps, req, 'read');
    const opened = await openPlanned(store, key, req);
    if (!opened) throw noSuchKey(repository.repositoryId, key);
    const { info, plan, body } = opened;
    describe(res, info, key, repository.visibility === 'public' && repository.state === 'published');
    const refused = refusal(plan, info, req);
    if (refused === 'not-modified') {
      res.removeHeader('Content-Type');
      res.status(304).end();
      return;
    }
    if (refused) throw refused;
    if (plan.status === 206) {
      res.status(206).set({ 'Content-Range': `bytes ${plan.range.start}-${plan.range.end}/${info.size}`, 'Content-Length': String(plan.range.end - plan.range.start + 1) });
    } else {
      res.status(200).set('Content-Length', String(info.size));
    }
    if (!body) {
      res.end();
      return;
    }
    await stream(req, res, body);
  };
}
