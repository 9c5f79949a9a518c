// GeoParquet → a STAC Item from the Parquet footer alone: hyparquet reads the
// file metadata (the last bytes of the file), whose `geo` key holds the
// GeoParquet metadata: the primary column's bbox, CRS (PROJJSON; absent means
// OGC:CRS84) and geometry types; the row count is in the footer too.
import { parquetMetadataAsync } from 'hyparquet';
import { MEDIA_TYPES } from '@meridian/core/stac/media-types';
import { blockCached, checkedRange, DEFAULT_READ_CAP } from './byte-source.ts';
import { problemText, type ExtractInput, type ExtractOptions, type ExtractResult } from './extraction.ts';
import { projectionFields, vectorItem } from './vector-item.ts';

interface GeoColumn {
  encoding?: string;
  geometry_types?: unknown;
  bbox?: unknown;
  crs?: unknown;
}

/** EPSG code of a GeoParquet `crs`: absent is OGC:CRS84 (lon/lat WGS84), null is unknown. */
function epsgOfCrs(crs: unknown): number | undefined {
  if (crs === undefined) return 4326;
  if (typeof crs !== 'object' || crs === null) return undefined;
  const id = (crs as { id?: { authority?: unknown; code?: unknown } }).id;
  if (id && String(id.authority).toUpperCase() === 'EPSG' && Number.isInteger(Number(id.code))) return Number(id.code);
  if (id && String(id.authority).toUpperCase() === 'OGC' && String(id.code).toUpperCase() === 'CRS84') return 4326;
  return undefined;
}

export async function extractGeoparquet(input: ExtractInput, options: ExtractOptions = {}): Promise<ExtractResult> {
  const cap = options.readCap ?? DEFAULT_READ_CAP;
  const source = blockCached(input.source);
  const problem = (message: string): ExtractResult => ({ problems: [{ path: input.key, message }] });
  try {
    const metadata = await parquetMetadataAsync({
      byteLength: source.size,
      slice: async (start: number, end?: number) => {
        const [from, to] = checkedRange(source, start, end ?? source.size, cap);
        return (await source.read(from, to)).slice().buffer as ArrayBuffer;
      },
    });
    const geoText = metadata.key_value_metadata?.find((entry) => entry.key === 'geo')?.value;
    if (!geoText) return problem('Parquet file has no "geo" metadata: it is not GeoParquet');
    let geo: { version?: unknown; primary_column?: unknown; columns?: Record<string, GeoColumn> };
    try {
      geo = JSON.parse(geoText);
    } catch (error) {
      return problem(`GeoParquet "geo" metadata is not JSON: ${problemText(error)}`);
    }
    const primary = typeof geo.primary_column === 'string' ? geo.primary_column : undefined;
    const column = primary ? geo.columns?.[primary] : undefined;
    if (!primary || !column) return problem('GeoParquet "geo" metadata names no primary geometry column');
    const epsg = epsgOfCrs(column.crs);
    const geometryTypes = Array.isArray(column.geometry_types) ? column.geometry_types.filter((t) => typeof t === 'string') : [];
    return await vectorItem(input, {
      box: Array.isArray(column.bbox) ? column.bbox : undefined,
      epsg,
      properties: {
        'table:row_count': Number(metadata.num_rows),
        'table:primary_geometry': primary,
        ...projectionFields(epsg),
        // No STAC extension names a column's geometry types; GeoParquet's own term is kept.
        'geoparquet:geometry_types': geometryTypes,
        ...(typeof geo.version === 'string' ? { 'geoparquet:version': geo.version } : {}),
      },
      mediaType: MEDIA_TYPES.geoparquet,
    });
  } catch (error) {
    return problem(`Parquet footer cannot be read: ${problemText(error)}`);
  }
}
