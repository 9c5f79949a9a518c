// The data proxy under /data: every file of every repository, to browsers,
// programs and S3 clients. Path-style S3 with the account as the bucket:
//
//   GET  /data/                              ListBuckets (the caller's accounts)
//   GET  /data/{account}?list-type=2&…       ListObjectsV2 (keys `{repository}/{path}`); without list-type, V1
//   HEAD /data/{account}                     HeadBucket
//   GET  /data/{account}/{repository}/{path} the file (GetObject), HEAD for its headers (HeadObject)
//
// Errors are S3 error documents (s3-error.ts). Who may read is the access rule's
// alone, asked through data-target.ts; a repository the caller may not see
// answers exactly like a missing one.
import cors from 'cors';
import { Router, type RequestHandler } from 'express';
import { authenticate } from '../accounts/authentication.ts';
import { bucketGet, bucketHead, listBuckets } from './bucket-requests.ts';
import { s3WriteRoutes, type S3WriteDeps } from './s3/s3-write.routes.ts';
import { sigv4Authentication } from './s3/sigv4-authentication.ts';
import { objectDownload } from './object-download.ts';
import { S3Error, s3ErrorHandler } from './s3-error.ts';

/**
 * Any origin may read, without credentials: a page elsewhere gets what an
 * anonymous caller gets (or what its own API key allows), never what the
 * visitor's session cookie would unlock. The headers range readers need
 * (GDAL, geotiff.js, pmtiles) are exposed.
 */
const CORS = cors({
  origin: '*',
  methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
  exposedHeaders: ['ETag', 'Content-Range', 'Content-Length', 'Accept-Ranges', 'Last-Modified', 'Content-Type', 'x-amz-request-id', 'X-Request-Id'],
  maxAge: 86_400,
});

/**
 * Files are whatever people upload. Served from Meridian's own origin, an HTML
 * or SVG file could run script with the visitor's session; `sandbox` gives such
 * a document an opaque origin without script, and nosniff stops browsers
 * guessing a more dangerous type than the one sent.
 */
const fileSafety: RequestHandler = (req, res, next) => {
  res.set({ 'Content-Security-Policy': 'sandbox', 'X-Content-Type-Options': 'nosniff', 'x-amz-request-id': String(req.id ?? '') });
  next();
};

const methodNotAllowed = (allowed: string): RequestHandler => (req, _res, next) => {
  next(new S3Error('MethodNotAllowed', undefined, { headers: { Allow: allowed }, details: { Method: req.method, ResourceType: allowed.includes('PUT') ? 'OBJECT' : 'BUCKET' } }));
};

export function dataProxyRoutes(deps: S3WriteDeps): Router {
  const router = Router();
  router.use(fileSafety, CORS);
  // Session cookies and `Authorization: Bearer` API keys; SigV4 (s3/) authenticates S3 clients alongside.
  router.use(sigv4Authentication(deps));
  router.use(authenticate(deps));
  // S3 writes, and ListParts (a GET with ?uploadId, so before the download route).
  router.use(s3WriteRoutes(deps));

  router.get('/', listBuckets(deps));
  router.head('/:account', bucketHead(deps));
  router.get('/:account', bucketGet(deps));
  router.get('/:account/*key', objectDownload(deps));

  router.all('/', methodNotAllowed('GET'));
  router.all('/:account', methodNotAllowed('GET, HEAD, POST'));
  router.all('/:account/*key', methodNotAllowed('GET, HEAD, PUT, POST, DELETE'));
  router.use(s3ErrorHandler);
  return router;
}
