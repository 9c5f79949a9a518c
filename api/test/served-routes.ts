// Every route the Express app serves, read from its router stack, for tests that
// check a service description documents exactly what is served.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileAvatarStorage } from '@meridian/core/accounts/avatar-storage';
import { SqliteCatalogIndex } from '@meridian/core/catalog-index/sqlite/sqlite.catalog-index';
import { loadConfig } from '@meridian/core/config/config';
import { createLogger } from '@meridian/core/logging/logger';
import type { MetadataStore } from '@meridian/core/metadata-store/metadata-store.port';
import { createApp } from '../src/app.ts';
import { repositoryStores } from '../src/data-proxy/repository-stores.ts';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };

/** Lower-case method and Express path (`:name`, `*name`) of every route. */
export function servedRoutes(): { method: string; path: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-routes-'));
  const catalog = new SqliteCatalogIndex(':memory:');
  try {
    const config = loadConfig({ DATA_DIR: dir, ADMIN_TOKEN: 'x'.repeat(32), LOG_LEVEL: 'silent' });
    // Listing routes sends no request, so the metadata store is never called.
    const app = createApp({
      catalog, config, adminToken: 'x'.repeat(32), logger: createLogger('silent'), metadata: {} as MetadataStore, avatars: fileAvatarStorage(dir),
      openStore: repositoryStores(config),
    }) as unknown as { router: { stack: Layer[] } };
    const found: { method: string; path: string }[] = [];
    const visit = (stack: Layer[], prefix: string) => {
      for (const layer of stack) {
        if (layer.route) {
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
            found.push({ method: method.toLowerCase(), path: prefix + layer.route.path });
          }
        } else if (Array.isArray(layer.handle?.stack)) {
          const raw = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
          visit(layer.handle.stack, prefix + (raw === '/' ? '' : raw));
        }
      }
    };
    visit(app.router.stack, '');
    return found;
  } finally {
    void catalog.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Express paths as OpenAPI paths: `:name` and the wildcard `*name` become `{name}`. */
export const toOpenApiPath = (path: string) => path.replace(/[:*](\w+)/g, '{$1}');
