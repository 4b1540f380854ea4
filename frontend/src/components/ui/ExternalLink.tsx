import type { ReactNode } from 'react';
import { safeHttpUrl } from '@/lib/url';

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
