// The basemap drawn from Natural Earth (world-atlas' 1:50m countries, shipped with
// the app as a static asset): oceans, land, coastlines and borders, with no tile
// server and no internet. Used unless a MapLibre style URL is configured.
import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countriesUrl from 'world-atlas/countries-50m.json?url';

export interface BasemapColors {
  ocean: string;
  land: string;
  coast: string;
  border: string;
}

export const BASEMAP_COLORS: Record<'light' | 'dark', BasemapColors> = {
  light: { ocean: '#dce8f2', land: '#f6f5f1', coast: '#9fb1c1', border: '#c9c6bd' },
  dark: { ocean: '#0e1822', land: '#1f2731', coast: '#44576a', border: '#3a4450' },
};

let topology: Promise<Topology> | undefined;

async function countries(): Promise<Topology> {
  topology ??= fetch(countriesUrl).then((response) => {
    if (!response.ok) throw new Error(`the basemap data answered ${response.status}`);
    return response.json() as Promise<Topology>;
  });
  return topology;
}

export async function offlineStyle(scheme: 'light' | 'dark'): Promise<StyleSpecification> {
  const topo = await countries();
  const objects = topo.objects.countries as GeometryCollection;
  const land = feature(topo, objects);
  // Shared arcs only: each border once, and no coastline drawn as a border.
  const borders = mesh(topo, objects, (a, b) => a !== b);
  const colors = BASEMAP_COLORS[scheme];
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: land },
      borders: { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: borders } },
    },
    layers: [
      { id: 'ocean', type: 'background', paint: { 'background-color': colors.ocean } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': colors.land } },
      { id: 'coastline', type: 'line', source: 'land', paint: { 'line-color': colors.coast, 'line-width': 0.8 } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': colors.border, 'line-width': 0.6, 'line-dasharray': [3, 2] } },
    ],
  };
}

/** Repaints the offline basemap of a map already drawn, when the theme changes. */
export function recolour(map: MapLibreMap, scheme: 'light' | 'dark'): void {
  const colors = BASEMAP_COLORS[scheme];
  map.setPaintProperty('ocean', 'background-color', colors.ocean);
  map.setPaintProperty('land', 'fill-color', colors.land);
  map.setPaintProperty('coastline', 'line-color', colors.coast);
  map.setPaintProperty('borders', 'line-color', colors.border);
}
