import { type KeyboardEvent, type PointerEvent, useCallback, useState } from 'react';

/** The open item's panel width the window starts with, and the range it may be dragged in. */
export const DETAIL_WIDTH = { initial: 400, min: 320, max: 720, step: 20 } as const;

const STORAGE_KEY = 'recon.queue.detailWidth';

function clampWidth(width: number): number {
  return Math.round(Math.min(DETAIL_WIDTH.max, Math.max(DETAIL_WIDTH.min, width)));
}

function storedWidth(): number {
  try {
    const stored = Number(window.localStorage.getItem(STORAGE_KEY));
    return Number.isFinite(stored) && stored > 0 ? clampWidth(stored) : DETAIL_WIDTH.initial;
  } catch {
    return DETAIL_WIDTH.initial;
  }
}

/** The detail panel's width, kept across reloads. */
export function useDetailWidth(): [number, (width: number) => void] {
  const [width, setWidth] = useState(storedWidth);
  const update = useCallback((next: number) => {
    const clamped = clampWidth(next);
    setWidth(clamped);
    try {
      window.localStorage.setItem(STORAGE_KEY, String(clamped));
    } catch {
      // Refused storage: the width holds until the window reloads.
    }
  }, []);
  return [width, update];
}

/**
 * The bar between the queue and the open item: drag it, or focus it and press the left and right
 * arrows (Home and End for the extremes), to give the list or the item more room.
 */
export function DetailResizer({ width, onResize }: { width: number; onResize: (width: number) => void }) {
  function startDrag(event: PointerEvent<HTMLDivElement>) {
    event.preventDefault();
    const startX = event.clientX;
    const startWidth = width;
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    // The panel is on the right: moving the bar left widens it.
    const move = (moving: globalThis.PointerEvent) => onResize(startWidth + (startX - moving.clientX));
    const stop = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', stop);
      target.removeEventListener('pointercancel', stop);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', stop);
    target.addEventListener('pointercancel', stop);
  }

  function handleKey(event: KeyboardEvent<HTMLDivElement>) {
    const next =
      event.key === 'ArrowLeft' ? width + DETAIL_WIDTH.step
      : event.key === 'ArrowRight' ? width - DETAIL_WIDTH.step
      : event.key === 'Home' ? DETAIL_WIDTH.max
      : event.key === 'End' ? DETAIL_WIDTH.min
      : undefined;
    if (next === undefined) return;
    event.preventDefault();
    onResize(next);
  }

  return (
    <div
      className="detail-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Width of the open item's panel"
      aria-valuemin={DETAIL_WIDTH.min}
      aria-valuemax={DETAIL_WIDTH.max}
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={startDrag}
      onKeyDown={handleKey}
    />
  );
}
