import { Link } from 'react-router';
import { useState, type ReactNode } from 'react';
import { safeHttpUrl, sitePath, entryPath } from '../lib/url';
import { useI18n } from '../i18n/i18n';

/** An external link, rendered only for http(s) URLs; anything else becomes plain text. */
export function ExternalLink({
  href,
  children,
  className,
  focusTarget,
}: {
  href: string;
  children: ReactNode;
  className?: string;
  /** Marks the link as the element j/k move focus to. */
  focusTarget?: boolean;
}) {
  const safe = safeHttpUrl(href);
  if (!safe) {
    return (
      <span className={className} data-shortcut-focus={focusTarget || undefined} tabIndex={focusTarget ? -1 : undefined}>
        {children}
      </span>
    );
  }
  return (
    <a
      className={className}
      href={safe}
      target="_blank"
      rel="noopener noreferrer ugc"
      data-shortcut-focus={focusTarget || undefined}
    >
      {children}
    </a>
  );
}

export function Favicon({ src }: { src?: string | null }) {
  const [failed, setFailed] = useState(false);
  const safe = safeHttpUrl(src);
  if (!safe || failed) return <span className="favicon favicon--blank" aria-hidden="true" />;
  return (
    <img
      className="favicon"
      src={safe}
      alt=""
      width={16}
      height={16}
      loading="lazy"
      referrerPolicy="no-referrer"
      onError={() => setFailed(true)}
    />
  );
}

export function Thumbnail({ src, className }: { src?: string | null; className?: string }) {
  const [failed, setFailed] = useState(false);
  const safe = safeHttpUrl(src);
  if (!safe || failed) return null;
  return (
    <img
      className={className ?? 'thumb'}
      src={safe}
      alt=""
      loading="lazy"
      referrerPolicy="no-referrer"
      onError={() => setFailed(true)}
    />
  );
}

export function DomainLink({ domain, favicon }: { domain: string; favicon?: string | null }) {
  return (
    <Link className="domain" to={sitePath(domain)}>
      <Favicon src={favicon} />
      <span>{domain}</span>
    </Link>
  );
}

export function UsersCount({ entry }: { entry: { id: number; bookmark_count: number } }) {
  const { t } = useI18n();
  const key = entry.bookmark_count === 1 ? 'common.user' : 'common.users';
  return (
    <Link className="users" to={entryPath(entry)}>
      <strong>{t(key, { count: entry.bookmark_count })}</strong>
    </Link>
  );
}

const AVATAR_COLORS = ['#0b7fc7', '#d9534f', '#2e9e6a', '#8a5cc7', '#d98a1b', '#1a9aa0', '#c75c8f', '#5c6bc7'];

export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  const initial = [...name][0]?.toUpperCase() ?? '?';
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.45, background: AVATAR_COLORS[h % AVATAR_COLORS.length] }}
    >
      {initial}
    </span>
  );
}

export function TagList({ tags, to }: { tags: string[]; to: (tag: string) => string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tags">
      {tags.map((tag) => (
        <li key={tag}>
          <Link className="tag" to={to(tag)}>
            {tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}
