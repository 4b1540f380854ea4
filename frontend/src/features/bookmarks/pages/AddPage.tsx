import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { paths } from '@/config/paths';
import { BookmarkForm } from '../components/BookmarkForm';

/** `/add?url=…&title=…`: where the bookmarklet lands. */
export function AddPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  useTitle(t('add.title'));
  if (!user) return <Navigate to={paths.login.getHref(location.pathname + location.search)} replace />;
  const url = params.get('url') ?? '';
  return (
    <div className="page narrow">
      <div className="card settings-section">
        <h1>{t('add.title')}</h1>
        <BookmarkForm
          initialUrl={url}
          initialTitle={params.get('title') ?? ''}
          onDone={(bm) => navigate(bm ? paths.entry.getHref(bm.entry.id) : paths.hot.getHref(), { replace: true })}
          onCancel={() => navigate(-1)}
        />
      </div>
    </div>
  );
}
