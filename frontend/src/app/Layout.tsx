import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import { useAuth } from '@/lib/auth/authContext';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast/toastContext';
import { Avatar } from '@/components/ui/Avatar';
import { LanguageSwitcher } from '@/components/LanguageSwitcher';
import { useIsAdmin } from '@/features/admin';
import { useBookmarkDialog } from '@/features/bookmarks';
import { NotificationBell } from '@/features/notifications';
import { SearchBox } from '@/features/search';
import { useShortcuts } from '@/features/shortcuts';

function UserMenu() {
  const { t } = useI18n();
  const { user, logout } = useAuth();
  const toast = useToast();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const isAdmin = useIsAdmin();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (!user) return null;
  const name = user.display_name || user.username;
  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="user-menu__button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={t('nav.userMenu', { name })}
        onClick={() => setOpen((o) => !o)}
      >
        <Avatar name={user.username} size={30} />
      </button>
      {open ? (
        <ul className="user-menu__list" onClick={() => setOpen(false)}>
          <li className="user-menu__who">
            <strong>{name}</strong> <span className="muted small">id:{user.username}</span>
          </li>
          <li>
            <Link to={paths.user.getHref(user.username)}>{t('nav.myPage')}</Link>
          </li>
          <li className="user-menu__more">
            <Link to={paths.feed.getHref()}>{t('nav.feed')}</Link>
          </li>
          <li className="user-menu__more">
            <Link to={paths.myHot.getHref()}>{t('nav.myHot')}</Link>
          </li>
          <li>
            <Link to={paths.user.getHref(user.username, { read_later: 'true' })}>{t('nav.readLater')}</Link>
          </li>
          <li>
            <Link to={paths.settings.getHref()}>{t('nav.settings')}</Link>
          </li>
          {isAdmin ? (
            <li>
              <Link to={paths.admin.getHref()}>{t('nav.admin')}</Link>
            </li>
          ) : null}
          {/* On phones the header has no room for the language switcher: it moves here. */}
          <li className="user-menu__lang" onClick={(e) => e.stopPropagation()}>
            <LanguageSwitcher id="menu-lang-switch" />
          </li>
          <li>
            <button
              type="button"
              onClick={async () => {
                await logout();
                toast.show(t('auth.loggedOut'));
                navigate(paths.hot.getHref());
              }}
            >
              {t('nav.logout')}
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  );
}

export function Layout() {
  const { t } = useI18n();
  const { user } = useAuth();
  const dialog = useBookmarkDialog();
  const shortcuts = useShortcuts();
  const location = useLocation();

  useEffect(() => {
    window.scrollTo?.(0, 0);
  }, [location.pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="header">
        <div className="header__inner">
          <Link to={paths.hot.getHref()} className="logo" aria-label={`${t('app.name')} — ${t('hot.title')}`}>
            <span className="logo__mark" aria-hidden="true">
              B!
            </span>
            <span className="logo__text">{t('app.name')}</span>
          </Link>
          <nav className="header__nav" aria-label={t('nav.main')}>
            <NavLink
              to={paths.hot.getHref()}
              end
              // A category's hot list (`/hot/it`) is the hot list too.
              className={({ isActive }) =>
                isActive || location.pathname === paths.hotAll.path || location.pathname.startsWith(`${paths.hotAll.path}/`)
                  ? 'active'
                  : undefined
              }
            >
              {t('nav.hot')}
            </NavLink>
            <NavLink to={paths.new.getHref()}>{t('nav.new')}</NavLink>
            {user ? (
              <>
                <NavLink className="header__nav-more" to={paths.feed.getHref()}>
                  {t('nav.feed')}
                </NavLink>
                <NavLink className="header__nav-more" to={paths.myHot.getHref()}>
                  {t('nav.myHot')}
                </NavLink>
              </>
            ) : null}
          </nav>
          <SearchBox />
          <div className={`header__actions${user ? ' header__actions--user' : ''}`}>
            <LanguageSwitcher />
            {user ? (
              <>
                <button
                  type="button"
                  className="button button--primary add-button"
                  onClick={() => dialog.open()}
                  aria-label={t('nav.add')}
                  title={`${t('nav.add')} (b)`}
                >
                  <span aria-hidden="true">+</span>
                  <span className="add-button__text">{t('nav.add')}</span>
                </button>
                <NotificationBell />
                <UserMenu />
              </>
            ) : (
              <>
                <Link className="button button--ghost" to={paths.login.getHref(location.pathname + location.search)}>
                  {t('nav.login')}
                </Link>
                <Link className="button button--primary hide-xs" to={paths.register.getHref()}>
                  {t('nav.register')}
                </Link>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="footer">
        <div className="footer__inner">
          <span>
            {t('app.name')} — {t('app.tagline')}
          </span>
          <button type="button" className="link-button" onClick={shortcuts.showHelp}>
            {t('footer.shortcuts')} <kbd>?</kbd>
          </button>
          <a href="/api/docs">{t('footer.api')}</a>
        </div>
      </footer>
    </div>
  );
}
