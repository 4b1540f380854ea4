import { Link } from 'react-router';

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
