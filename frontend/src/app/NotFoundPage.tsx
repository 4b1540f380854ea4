import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { NotFoundState } from '@/components/ui/States';

export function NotFoundPage() {
  const { t } = useI18n();
  useTitle(t('notFound.title'));
  return <NotFoundState />;
}
