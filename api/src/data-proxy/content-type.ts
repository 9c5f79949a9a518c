// The Content-Type of a file, from its name: the `mime` package's table (IANA
// and common types), plus the geospatial formats it does not know, with the
// media types STAC's best practices give them.
import mime from 'mime';

/** Checked before `mime`, by the longest matching suffix. */
const GEOSPATIAL: Record<string, string> = {
  // A COG is a GeoTIFF; whether a .tif is cloud-optimised is only known from its bytes.
  '.tif': 'image/tiff; application=geotiff',
  '.tiff': 'image/tiff; application=geotiff',
  '.parquet': 'application/vnd.apache.parquet',
  '.geoparquet': 'application/vnd.apache.parquet',
  '.fgb': 'application/vnd.flatgeobuf',
  '.pmtiles': 'application/vnd.pmtiles',
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
const SUFFIXES = Object.keys(GEOSPATIAL).sort((a, b) => b.length - a.length);

export const OCTET_STREAM = 'application/octet-stream';

export function contentTypeOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  const suffix = SUFFIXES.find((s) => name.endsWith(s));
  return suffix ? GEOSPATIAL[suffix] : mime.getType(name) ?? OCTET_STREAM;
}

/** What a stored object is served as: the type it was stored with, unless that says no more than "bytes". */
export function servedContentType(key: string, stored: string | undefined): string {
  return stored && stored !== OCTET_STREAM && stored !== 'binary/octet-stream' ? stored : contentTypeOf(key);
}
