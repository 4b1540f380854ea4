import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { CategorySlug } from '@/lib/api/types';
import type { MessageKey } from '@/i18n/en';

/** The eight categories, in the order the front page shows them (as `GET /api/v1/categories`). */
export const CATEGORY_SLUGS: readonly CategorySlug[] = [
  'social',
  'economics',
  'life',
  'knowledge',
  'it',
  'fun',
  'entertainment',
  'game',
];

export const CATEGORY_NAMES: Record<CategorySlug, MessageKey> = {
  social: 'category.name.social',
  economics: 'category.name.economics',
  life: 'category.name.life',
  knowledge: 'category.name.knowledge',
  it: 'category.name.it',
  fun: 'category.name.fun',
  entertainment: 'category.name.entertainment',
  game: 'category.name.game',
};

export function isCategorySlug(s: string | undefined): s is CategorySlug {
  return CATEGORY_SLUGS.includes(s as CategorySlug);
}

/** Suggests a category for an entry; the entry shows its category as the answer left it. */
export function useSuggestCategory(entryId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (slug: CategorySlug) =>
      unwrap(api.POST('/api/v1/entries/{id}/category', { params: { path: { id: entryId } }, body: { slug } })),
    onSuccess: (result) => {
      if (result.moved) void queryClient.invalidateQueries({ queryKey: queryKeys.entries });
    },
  });
}
