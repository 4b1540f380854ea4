import { createContext, useContext } from 'react';

export type ToastKind = 'info' | 'success' | 'error';

/** A button in a toast, such as Undo; using it closes the toast. */
export interface ToastAction {
  label: string;
  onClick: () => void;
}

export interface ToastApi {
  show: (message: string, kind?: ToastKind, action?: ToastAction) => void;
}

export const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error('useToast outside ToastProvider');
  return ctx;
}
