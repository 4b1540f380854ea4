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
