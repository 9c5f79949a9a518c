import type { Geometry } from 'geojson';

export interface StacLink {
  href: string;
  rel: string;
  type?: string;
  title?: string;
  method?: string;
  body?: unknown;
  merge?: boolean;
  [key: string]: unknown;
}

export interface StacItem {
  type: 'Feature';
  stac_version?: string;
  stac_extensions?: string[];
  id: string;
  collection?: string;
  geometry: Geometry | null;
  bbox?: number[];
  properties: Record<string, unknown> & { datetime?: string | null };
  links?: StacLink[];
  assets?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface StacCollection {
  type: 'Collection';
  stac_version?: string;
  stac_extensions?: string[];
  id: string;
  title?: string;
  description: string;
  keywords?: string[];
  license: string;
  extent: {
    spatial: { bbox: number[][] };
    temporal: { interval: (string | null)[][] };
  };
  links?: StacLink[];
  [key: string]: unknown;
}

/** A reference to one item. */
export interface ItemRef {
  collection: string;
  id: string;
}
