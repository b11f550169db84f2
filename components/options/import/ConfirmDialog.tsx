import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

export interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * An in-page confirmation (not `window.confirm`, so it can be styled, read by screen readers and
 * driven by tests). Focus goes to Cancel; Escape cancels; Tab stays inside.
 */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel }: ConfirmDialogProps) {
  const box = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    cancel.current?.focus();
    return () => before?.focus?.();
  }, []);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
      return;
    }
    if (e.key === 'Tab' && box.current) {
      const buttons = [...box.current.querySelectorAll('button')];
      const first = buttons[0];
      const last = buttons[buttons.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  return (
    <div class="cd-backdrop">
      <div
        ref={box}
        class="cd-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="cd-dialog-title"
        aria-describedby="cd-dialog-body"
        onKeyDown={onKeyDown}
      >
        <h3 id="cd-dialog-title">{title}</h3>
        <div id="cd-dialog-body">{children}</div>
        <div class="row">
          <button type="button" class="danger" onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button type="button" ref={cancel} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
