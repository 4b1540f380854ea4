import { Fragment, type ReactNode } from 'react';

/**
 * Renders a translated text whose `{name}` placeholders are elements (links,
 * lists of names): the words around them stay in the translation's order.
 */
export function Interpolate({ text, values }: { text: string; values: Record<string, ReactNode> }) {
  const parts = text.split(/(\{\w+\})/);
  return (
    <>
      {parts.map((part, i) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        return <Fragment key={i}>{name !== undefined && name in values ? values[name] : part}</Fragment>;
      })}
    </>
  );
}
