// jsdom 26 leaves out a few things every browser (and Electron) has; the renderer uses them,
// so the tests fill them in here rather than the renderer working around a test environment.

// Important: tsconfig.tests.json (node types, no DOM) also checks this file, so the DOM's
// FileReader is reached through globalThis with just the shape used here.
type FileReaderLike = {
  result: unknown;
  error: unknown;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  readAsArrayBuffer(blob: Blob): void;
};

/** Gives jsdom's Blob (and so File) the `arrayBuffer()` the drop zone reads uploads with, and the ResizeObserver charts size themselves with. */
export function fillJsdomGaps(): void {
  fillResizeObserver();
  if (typeof Blob.prototype.arrayBuffer === 'function') return;
  const { FileReader } = globalThis as unknown as { FileReader: new () => FileReaderLike };
  Blob.prototype.arrayBuffer = function arrayBuffer(this: Blob): Promise<ArrayBuffer> {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as ArrayBuffer);
      reader.onerror = () => reject(reader.error instanceof Error ? reader.error : new Error('FileReader failed'));
      reader.readAsArrayBuffer(this);
    });
  };
}

/**
 * A ResizeObserver that never reports a size: jsdom lays nothing out, so a chart stays empty and
 * the tests read its figures from the text beside it.
 */
function fillResizeObserver(): void {
  const scope = globalThis as { ResizeObserver?: unknown };
  if (typeof scope.ResizeObserver === 'function') return;
  scope.ResizeObserver = class ResizeObserver {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}
