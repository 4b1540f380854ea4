export { ShortcutProvider } from './components/ShortcutProvider';
export { isTypingTarget, useShortcutList, useShortcuts } from './components/shortcutContext';
