// The Content-Type the data proxy serves a file with; the table of types by
// name is core's, shared with the indexer's file listings.
import { mediaTypeOf, OCTET_STREAM } from '@meridian/core/stac/media-types';

/** What a stored object is served as: the type it was stored with, unless that says no more than "bytes". */
export function servedContentType(key: string, stored: string | undefined): string {
  return stored && stored !== OCTET_STREAM && stored !== 'binary/octet-stream' ? stored : mediaTypeOf(key);
}
