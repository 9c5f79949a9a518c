import { ApiError } from '#lib/server/api-client.ts';
import { discover, type DiscoverResult } from '#lib/server/discover.ts';
import { parseSearchState } from '#lib/search/search-state.ts';
import type { PageServerLoad } from './$types';

const EMPTY: DiscoverResult = { items: [], matched: 0, next: undefined, previous: undefined, facets: [], histogram: undefined, collections: {}, query: '' };

export const load: PageServerLoad = async ({ locals, url }) => {
  const { state, problems } = parseSearchState(url.searchParams);
  let result = EMPTY;
  try {
    result = await discover(locals.api, state);
  } catch (error) {
    // A search the API refuses (free text it cannot parse, say) is the user's to fix: say why on the page.
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    problems.push(`The search could not run: ${error.message}`);
  }
  return {
    state,
    problems,
    result,
    stacUrl: `${locals.api.publicOrigin}/stac`,
    basemapStyle: locals.context.basemapStyle,
  };
};
