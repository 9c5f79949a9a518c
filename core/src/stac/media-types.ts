// The media type of a file, from its name: one table for the data proxy's
// Content-Type and the indexer's file listings and assets. The `mime` package
// knows IANA and common types; the geospatial formats it does not know (or
// knows only vaguely, like a GeoTIFF as plain image/tiff) get the types STAC's
// best practices give them, checked first.
import mime from 'mime';

/** The STAC best-practice media types of the formats Meridian reads or serves by name. */
export const MEDIA_TYPES = {
  geotiff: 'image/tiff; application=geotiff',
  // Only from the bytes: the indexer says so once it has checked the layout, never from a name.
  cog: 'image/tiff; application=geotiff; profile=cloud-optimized',
  geoparquet: 'application/vnd.apache.parquet',
  flatgeobuf: 'application/vnd.flatgeobuf',
  pmtiles: 'application/vnd.pmtiles',
  geojson: 'application/geo+json',
} as const;

export const OCTET_STREAM = 'application/octet-stream';

/** Checked before `mime`, by the longest matching suffix (`.copc.laz` before `.laz`). */
const BY_SUFFIX: Record<string, string> = {
  '.tif': MEDIA_TYPES.geotiff,
  '.tiff': MEDIA_TYPES.geotiff,
  '.gtiff': MEDIA_TYPES.geotiff,
  '.parquet': MEDIA_TYPES.geoparquet,
  '.geoparquet': MEDIA_TYPES.geoparquet,
  '.fgb': MEDIA_TYPES.flatgeobuf,
  '.pmtiles': MEDIA_TYPES.pmtiles,
  '.geojson': MEDIA_TYPES.geojson,
  '.gpkg': 'application/geopackage+sqlite3',
  '.copc.laz': 'application/vnd.laszip+copc',
  '.laz': 'application/vnd.laszip',
  '.las': 'application/vnd.las',
  '.h5': 'application/x-hdf5',
  '.hdf5': 'application/x-hdf5',
  '.nc4': 'application/x-netcdf',
  '.grib': 'application/wmo-grib',
  '.grib2': 'application/wmo-grib',
  '.shp': 'application/vnd.shp',
  '.shx': 'application/vnd.shx',
  '.vrt': 'application/xml',
  // Zarr v2 metadata documents are JSON (v3's zarr.json already says so).
  '.zarray': 'application/json',
  '.zattrs': 'application/json',
  '.zgroup': 'application/json',
  '.zmetadata': 'application/json',
};
const SUFFIXES = Object.keys(BY_SUFFIX).sort((a, b) => b.length - a.length);

/** The media type a file is served and listed as, from its key (a path; only the last segment counts). */
export function mediaTypeOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  const suffix = SUFFIXES.find((s) => name.endsWith(s));
  return suffix ? BY_SUFFIX[suffix] : mime.getType(name) ?? OCTET_STREAM;
}
