import { useState } from 'react';
import { safeHttpUrl } from '@/lib/url';

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
