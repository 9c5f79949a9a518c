// Test catalogs on a shared search-engine node clean up after themselves.
import type { SearchEngineCatalogIndex } from '../catalog-index/search-engine/search-engine.catalog-index.ts';

/** The catalog, with close() also deleting its indices, so that a node does not fill up with test indices over a run. */
export function deletingOnClose(index: SearchEngineCatalogIndex): SearchEngineCatalogIndex {
  return new Proxy(index, {
    get(target, property) {
      if (property === 'close') {
        return async () => {
          try {
            await target.destroy();
          } finally {
            await target.close();
          }
        };
      }
      const value = Reflect.get(target, property, target);
      // Private fields need the real instance as `this`.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
