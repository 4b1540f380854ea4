import { createContext, useContext, useEffect } from 'react';

export interface ShortcutItem {
  /** The page the item is about; empty when it is about no page (someone following me). */
  url: string;
  title: string;
  /** The entry id when known, for `e`. */
  entryId?: number | null;
  /** Where `e` goes for an item about no entry (a user's page). */
  href?: string;
}

export interface ShortcutApi {
  selected: number;
  select: (index: number) => void;
  register: (items: ShortcutItem[]) => () => void;
  showHelp: () => void;
}

export const ShortcutContext = createContext<ShortcutApi | null>(null);

export function useShortcuts(): ShortcutApi {
  const ctx = useContext(ShortcutContext);
  if (!ctx) throw new Error('useShortcuts outside ShortcutProvider');
  return ctx;
}

/** Makes a rendered list the target of j/k/o/e/l/b; returns the selected index. */
export function useShortcutList(items: ShortcutItem[]): number {
  const { register, selected } = useShortcuts();
  useEffect(() => register(items), [items, register]);
  return selected;
}

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
  }
  return false;
}
