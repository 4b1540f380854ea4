export { ShortcutProvider } from './components/ShortcutProvider';
export { useShortcutList, useShortcuts } from './components/shortcutContext';
