/** A page's feeds, announced to feed readers. React hoists these `<link>`s into `<head>`. */
export interface Feed {
  href: string;
  title: string;
  format?: 'rss' | 'atom';
}

export function FeedLinks({ feeds }: { feeds: Feed[] }) {
  return (
    <>
      {feeds.map((f) => (
        <link
          key={f.href}
          rel="alternate"
          type={f.format === 'atom' ? 'application/atom+xml' : 'application/rss+xml'}
          title={f.title}
          href={f.href}
        />
      ))}
    </>
  );
}
