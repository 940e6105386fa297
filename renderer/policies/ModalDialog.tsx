// A modal dialog over the window (the diff before a save, the review after learning): above
// everything, whatever box its owner draws in; Esc closes it; it takes the focus when it opens,
// unless something in it already did.

import { useEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import './ModalDialog.css';

export function ModalDialog({
  label,
  className,
  onClose,
  children,
}: {
  label: string;
  className?: string;
  onClose(): void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.contains(document.activeElement)) element.focus();
  }, []);
  return createPortal(
    <div className="review-backdrop">
      <section
        className={className === undefined ? 'save-review' : `save-review ${className}`}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        ref={dialog}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        {children}
      </section>
    </div>,
    document.body,
  );
}
