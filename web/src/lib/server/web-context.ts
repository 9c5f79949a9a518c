// What the API hands the pages' server code with each request (web/web-app.ts
// attaches it to the Node request; hooks.server.ts reads it from event.platform).
// A registered symbol, because the built handler and the API load this module
// separately and must still agree on the key.
export const WEB_CONTEXT = Symbol.for('meridian.web-context');

export interface WebContext {
  /** Where the pages' server code calls the API (loopback, this same server). */
  apiOrigin: string;
  /** A MapLibre style URL; undefined = the bundled offline basemap. */
  basemapStyle: string | undefined;
}
