// Columns a person can widen: a table's widths in pixels, one of them (null) taking what is left
// so that the table fits its pane and nothing hides in a sideways scroll. A header's right edge
// is dragged, or focused and moved with the arrow keys.

import { useState, type KeyboardEvent, type PointerEvent } from 'react';

const MIN_COLUMN = 36;
const KEY_STEP = 16;

export interface ColumnWidths {
  widths: readonly (number | null)[];
  /** The CSS grid template of the widths. */
  template: string;
  resize(index: number, event: PointerEvent<HTMLElement>): void;
  resizeByKey(index: number, event: KeyboardEvent<HTMLElement>): void;
}

export function useColumnWidths(initial: readonly (number | null)[]): ColumnWidths {
  const [widths, setWidths] = useState(initial);
  const widen = (index: number, to: (from: number) => number) =>
    setWidths((w) =>
      w.map((x, i) => (i === index && x !== null ? Math.max(MIN_COLUMN, to(x)) : x)),
    );
  return {
    widths,
    template: widths.map((w) => (w === null ? `minmax(${MIN_COLUMN}px, 1fr)` : `${w}px`)).join(' '),
    resize(index, event) {
      const start = event.clientX;
      const from = widths[index] ?? 0;
      const handle = event.currentTarget;
      handle.setPointerCapture(event.pointerId);
      const move = (e: globalThis.PointerEvent) => widen(index, () => from + e.clientX - start);
      const stop = () => {
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', stop);
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', stop);
    },
    resizeByKey(index, event) {
      const step =
        event.key === 'ArrowRight' ? KEY_STEP : event.key === 'ArrowLeft' ? -KEY_STEP : 0;
      if (step === 0) return;
      event.preventDefault();
      event.stopPropagation();
      widen(index, (x) => x + step);
    },
  };
}

/** The draggable right edge of column `index` (named `name`); none on the column that fills. */
export function ColumnResizer({
  columns,
  index,
  name,
}: {
  columns: ColumnWidths;
  index: number;
  name: string;
}) {
  const width = columns.widths[index];
  if (width === null || width === undefined) return null;
  return (
    <span
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize column ${index + 1}`}
      title={`Drag to resize ${name}`}
      aria-valuenow={width}
      tabIndex={0}
      className="column-resize"
      onPointerDown={(e) => columns.resize(index, e)}
      onKeyDown={(e) => columns.resizeByKey(index, e)}
    />
  );
}
