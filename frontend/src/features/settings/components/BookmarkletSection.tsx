import { useEffect, useRef } from 'react';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { CopyButton } from './CopyButton';

export function BookmarkletSection() {
  const { t } = useI18n();
  const link = useRef<HTMLAnchorElement>(null);
  const origin = window.location.origin;
  const code = `javascript:(function(){location.href=${JSON.stringify(`${origin}${paths.add.path}?url=`)}+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title)})();`;
  useEffect(() => {
    // React refuses javascript: URLs in JSX; this one is our own constant code,
    // never user content, so it is set on the DOM node directly.
    link.current?.setAttribute('href', code);
  }, [code]);
  return (
    <section className="card settings-section" aria-labelledby="settings-bookmarklet">
      <h2 id="settings-bookmarklet">{t('settings.bookmarklet')}</h2>
      <p className="muted">{t('settings.bookmarkletLead')}</p>
      <p>
        <a ref={link} className="button bookmarklet" onClick={(e) => e.preventDefault()} draggable>
          B! {t('settings.bookmarkletLink')}
        </a>
      </p>
      <div className="token-created__row">
        <code className="code-block">{code}</code>
        <CopyButton text={code} label={t('settings.copyBookmarklet')} />
      </div>
    </section>
  );
}
