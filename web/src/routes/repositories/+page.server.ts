import type { RepositoryView } from '@meridian/core/repositories/repository-views';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const q = url.searchParams.get('q')?.trim() ?? '';
  const tags = url.searchParams.getAll('tag').filter(Boolean);
  const page = await locals.api.get<{ repositories: RepositoryView[]; next?: string }>('/api/v1/repositories', {
    limit: 30, q: q || undefined, tag: tags, cursor: url.searchParams.get('cursor') ?? undefined,
  });
  return { q, tags, repositories: page.repositories, next: page.next };
};
