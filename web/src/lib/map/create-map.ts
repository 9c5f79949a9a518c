// One way to open a map on any page: MapLibre loaded on demand (it is large and
// browser-only), the configured style or the bundled offline basemap, a zoom
// control, and a label for screen readers.
import type { Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre finds its worker next to its own module, which bundling moves: point it at the copy Vite ships.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { offlineStyle } from './offline-basemap.ts';

export interface MapSetup {
  container: HTMLElement;
  /** A MapLibre style URL; undefined = the offline basemap. */
  basemapStyle: string | undefined;
  scheme: 'light' | 'dark';
  label: string;
  center?: [number, number];
  zoom?: number;
  interactive?: boolean;
}

export async function createMap(setup: MapSetup): Promise<{ maplibre: typeof import('maplibre-gl'); map: MapLibreMap }> {
  const [maplibre, style] = await Promise.all([import('maplibre-gl'), setup.basemapStyle ?? offlineStyle(setup.scheme)]);
  maplibre.setWorkerUrl(workerUrl);
  const map = new maplibre.Map({
    container: setup.container,
    style,
    center: setup.center ?? [0, 20],
    zoom: setup.zoom ?? 1,
    interactive: setup.interactive ?? true,
    attributionControl: setup.basemapStyle ? {} : { customAttribution: 'Natural Earth' },
  });
  if (setup.interactive !== false) map.addControl(new maplibre.NavigationControl({ showCompass: false }), 'top-right');
  map.getCanvas().setAttribute('aria-label', setup.label);
  return { maplibre, map };
}

/** West, south, east, north around every coordinate of these geometries. */
export function boundsOf(geometries: { coordinates?: unknown }[]): [number, number, number, number] | undefined {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1] as number); n = Math.max(n, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const g of geometries) visit(g.coordinates);
  return Number.isFinite(w) ? [w, s, e, n] : undefined;
}
