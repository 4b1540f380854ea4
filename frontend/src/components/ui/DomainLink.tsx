import { Link } from 'react-router';
import { paths } from '@/config/paths';
import { Favicon } from './Favicon';

export function DomainLink({ domain, favicon }: { domain: string; favicon?: string | null }) {
  return (
    <Link className="domain" to={paths.site.getHref(domain)}>
      <Favicon src={favicon} />
      <span>{domain}</span>
    </Link>
  );
}
