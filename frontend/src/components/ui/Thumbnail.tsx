import { useState } from 'react';
import { safeHttpUrl } from '@/lib/url';

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
