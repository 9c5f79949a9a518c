// Landing page, conformance, the OpenAPI document and its human page.
import express, { Router } from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { CONFORMANCE } from './conformance.ts';
import { GEOJSON, JSON_TYPE, OPENAPI_JSON, REL_QUERYABLES, REL_SORTABLES, SCHEMA_JSON } from './links.ts';
import { openApiDocument } from './openapi.ts';
import { linksFor, visibilityOf, type StacDeps } from './stac-context.ts';

const CHILD_LINKS_MAX = 1000;
const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

function apiPage(title: string): string {
  const safe = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${safe} — STAC API</title><link rel="stylesheet" href="api-docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="api-docs/swagger-ui-bundle.js"></script><script src="api-docs.js"></script></body></html>`;
}

export function landingRoutes(deps: StacDeps): Router {
  const router = Router();
  const { title, description } = deps.config.stac;

  router.get('/', async (req, res) => {
    const links = linksFor(req, deps);
    const root = links.root;
    const collections = await deps.catalog.searchCollections({ sortby: [{ field: 'id', direction: 'asc' }], limit: CHILD_LINKS_MAX, visibility: visibilityOf(req) });
    res.type(JSON_TYPE).json({
      type: 'Catalog',
      stac_version: '1.0.0',
      id: 'meridian',
      title,
      description,
      conformsTo: CONFORMANCE,
      links: [
        { rel: 'self', href: `${root}/`, type: JSON_TYPE },
        links.rootLink(),
        { rel: 'conformance', href: `${root}/conformance`, type: JSON_TYPE },
        { rel: 'service-desc', href: `${root}/api`, type: OPENAPI_JSON },
        { rel: 'service-doc', href: `${root}/api.html`, type: 'text/html' },
        { rel: 'data', href: `${root}/collections`, type: JSON_TYPE },
        { rel: 'search', href: `${root}/search`, type: GEOJSON, method: 'GET' },
        { rel: 'search', href: `${root}/search`, type: GEOJSON, method: 'POST' },
        { rel: REL_QUERYABLES, href: `${root}/queryables`, type: SCHEMA_JSON },
        { rel: REL_SORTABLES, href: `${root}/sortables`, type: SCHEMA_JSON },
        { rel: 'aggregate', href: `${root}/aggregate`, type: JSON_TYPE, method: 'GET' },
        { rel: 'aggregate', href: `${root}/aggregate`, type: JSON_TYPE, method: 'POST' },
        { rel: 'aggregations', href: `${root}/aggregations`, type: JSON_TYPE },
        ...collections.features.map((c) => ({ rel: 'child', href: links.collectionUrl(c.id), type: JSON_TYPE, ...(c.title ? { title: c.title } : {}) })),
      ],
    });
  });

  router.get('/conformance', (_req, res) => {
    res.type(JSON_TYPE).json({ conformsTo: CONFORMANCE });
  });

  router.get('/api', (req, res) => {
    res.type(OPENAPI_JSON).send(JSON.stringify(openApiDocument(linksFor(req, deps).root, title, description)));
  });
  router.get('/api.html', (_req, res) => {
    res.type('text/html').send(apiPage(title));
  });
  router.get('/api-docs.js', (_req, res) => {
    res.type('text/javascript').send("SwaggerUIBundle({ url: 'api', dom_id: '#swagger-ui', deepLinking: true });\n");
  });
  router.use('/api-docs', express.static(swaggerUiDir, { index: false, maxAge: '1d' }));
  return router;
}
