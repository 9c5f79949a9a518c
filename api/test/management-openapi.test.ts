// The management API's service description at GET /api/v1/openapi.json: a valid
// OpenAPI 3.0 document that documents exactly the routes the router serves.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Json } from './stac-helpers.ts';
import { servedRoutes, toOpenApiPath } from './served-routes.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

let server: TestServer;
let doc: Json;
let contentType: string;

before(async () => {
  server = await startTestServer();
  // No credentials: the document needs no sign-in.
  const reply = await fetch(`${server.url}/api/v1/openapi.json`);
  assert.equal(reply.status, 200);
  contentType = reply.headers.get('content-type') ?? '';
  doc = await reply.json();
});
after(() => server?.close());

describe('management API service description (/api/v1/openapi.json)', () => {
  test('is served without authentication as OpenAPI JSON', () => {
    assert.match(contentType, /^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/);
    assert.equal(doc.openapi, '3.0.3');
    assert.equal(doc.servers[0].url, `${server.url}/api/v1`);
  });

  test('passes an OpenAPI 3.0 validator', async () => {
    await SwaggerParser.validate(structuredClone(doc));
  });

  test('operationIds are present and unique; path templates declare their parameters', () => {
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item).filter(([k]) => METHODS.includes(k)) as [string, Json][]) {
        assert.equal(typeof op.operationId, 'string', `${method} ${path} has an operationId`);
        assert.ok(!operationIds.has(op.operationId), `operationId ${op.operationId} is unique`);
        operationIds.add(op.operationId);
        assert.ok(Object.keys(op.responses ?? {}).length > 0, `${method} ${path} has responses`);
      }
      for (const name of path.matchAll(/\{(\w+)\}/g)) {
        assert.ok((item.parameters ?? []).some((p: Json) => p.name === name[1] && p.in === 'path'), `${path} declares path parameter ${name[1]}`);
      }
    }
    assert.ok(operationIds.size >= 30, `found the operations (${operationIds.size})`);
  });

  test('error responses are {code, description}; both security schemes are declared', () => {
    assert.deepEqual(doc.components.schemas.Error.required, ['code', 'description']);
    const { sessionCookie, csrfToken, apiKey } = doc.components.securitySchemes;
    assert.deepEqual([sessionCookie.in, sessionCookie.name], ['cookie', 'meridian_session']);
    assert.deepEqual([csrfToken.in, csrfToken.name], ['header', 'X-CSRF-Token']);
    assert.deepEqual([apiKey.type, apiKey.scheme], ['http', 'bearer']);
    // Unsafe methods authenticated by a session need the CSRF header.
    const patch = doc.paths['/accounts/{id}'].patch;
    assert.ok(patch.security.some((s: Json) => 'sessionCookie' in s && 'csrfToken' in s));
    assert.ok(patch.security.some((s: Json) => 'apiKey' in s));
  });

  test('paths include every route the management API serves, and only those', () => {
    const served = servedRoutes()
      .filter((r) => r.path.startsWith('/api/v1/'))
      .map((r) => ({ method: r.method, path: toOpenApiPath(r.path.slice('/api/v1'.length)) }));
    assert.ok(served.length >= 30, `found the management API's routes (${served.length})`);
    for (const { method, path } of served) {
      assert.ok(doc.paths[path]?.[method], `OpenAPI documents ${method.toUpperCase()} ${path}`);
    }
    const servedKeys = new Set(served.map((r) => `${r.method} ${r.path}`));
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        assert.ok(servedKeys.has(`${method} ${path}`), `documented ${method.toUpperCase()} ${path} is served`);
      }
    }
  });
});
