// GDAL from Debian's gdal-bin makes the test rasters and vectors and is the
// reference the extracted footprints are compared with (gdalinfo's wgs84Extent).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** undefined when gdal-bin is installed; otherwise why the suite cannot run. */
export async function gdalMissing(): Promise<string | undefined> {
  try {
    await run('gdalinfo', ['--version']);
    await run('ogr2ogr', ['--version']);
    return undefined;
  } catch {
    return 'GDAL is not installed (apt-get install gdal-bin)';
  }
}

export async function gdal(command: string, ...args: string[]): Promise<string> {
  return (await run(command, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** The corners of gdalinfo's wgs84Extent polygon, as [lon, lat] pairs. */
export async function gdalWgs84Corners(path: string): Promise<[number, number][]> {
  const info = JSON.parse(await gdal('gdalinfo', '-json', path)) as { wgs84Extent: { coordinates: [number, number][][] } };
  return info.wgs84Extent.coordinates[0].slice(0, -1);
}
