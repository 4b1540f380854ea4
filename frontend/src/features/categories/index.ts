export { CATEGORY_NAMES, CATEGORY_SLUGS, isCategorySlug } from './api/categories';
export { CategoryBadge } from './components/CategoryBadge';
export { CategoryTabs } from './components/CategoryTabs';
export { SuggestCategory } from './components/SuggestCategory';
