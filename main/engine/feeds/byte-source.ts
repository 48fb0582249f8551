// Random access to a file's bytes without holding the file: the native readers walk a clearing
// file through a window of a few MiB, so a file of gigabytes reads in a few MiB of memory (and
// past the 2 GiB that fs.readFileSync refuses). The same readers run over bytes in memory for the
// tests and the writers' round trips.

import { Buffer } from 'node:buffer';
import fs from 'node:fs';

/** Bytes of a file served from one window: a Base II chunk or an IPM walk reads this much at once. */
export const FILE_WINDOW_BYTES = 1024 * 1024;

/** The bytes a native reader reads, whole in memory or through a window over a file. */
export type ByteSource = {
  readonly length: number;
  /**
   * How many bytes one `bytes()` call serves without reading the file again: the whole length
   * in memory, the window over a file. Readers size their chunks by it.
   */
  readonly windowSize: number;
  /** The byte at `index`, or -1 outside the source (never equal to a byte, as `bytes[i]` was undefined). */
  byteAt(index: number): number;
  /**
   * Bytes [from, to), clipped to the source. Important: the result may be a view into a window
   * that later reads do not touch (each refill is a new buffer), so it stays valid, but a reader
   * must not write into it.
   */
  bytes(from: number, to: number): Uint8Array;
};

/** A source over bytes already in memory: every range is a view, nothing is copied. */
export function memoryByteSource(data: Uint8Array): ByteSource {
  return {
    length: data.length,
    windowSize: Math.max(1, data.length),
    byteAt: (index) => data[index] ?? -1,
    bytes: (from, to) => data.subarray(from, to),
  };
}

/** The argument the native readers take: bytes in memory, or a source (a file's). */
export function toByteSource(input: Uint8Array | ByteSource): ByteSource {
  return input instanceof Uint8Array ? memoryByteSource(input) : input;
}

/** The first index at or after `from` holding `byte`, or -1; read a window at a time. */
export function indexOfByte(source: ByteSource, byte: number, from: number): number {
  const step = Math.max(1, source.windowSize);
  for (let start = Math.max(0, from); start < source.length; start += step) {
    const found = source.bytes(start, start + step).indexOf(byte);
    if (found >= 0) return start + found;
  }
  return -1;
}

/**
 * A source over an open file, of the length it had when opened. Reads are served from one window
 * of `windowSize` bytes, refilled with a positioned read where a read misses it; a range longer
 * than the window is read into a buffer of its own. Built for forward walks: a miss fills the
 * window from the missed byte on.
 */
export class FileByteSource implements ByteSource {
  readonly length: number;
  readonly windowSize: number;
  private readonly descriptor: number;
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  private windowEnd = 0;

  constructor(descriptor: number, length: number, windowSize: number = FILE_WINDOW_BYTES) {
    if (!Number.isInteger(windowSize) || windowSize < 1) throw new RangeError(`window size ${windowSize} is not a positive whole number of bytes`);
    this.descriptor = descriptor;
    this.length = length;
    this.windowSize = windowSize;
  }

  byteAt(index: number): number {
    if (index >= this.windowStart && index < this.windowEnd) return this.window[index - this.windowStart] ?? -1;
    if (index < 0 || index >= this.length || !Number.isInteger(index)) return -1;
    this.fill(index);
    return this.window[0] ?? -1;
  }

  bytes(from: number, to: number): Uint8Array {
    const start = Math.max(0, Math.min(from, this.length));
    const end = Math.max(start, Math.min(to, this.length));
    if (start >= this.windowStart && end <= this.windowEnd) return this.window.subarray(start - this.windowStart, end - this.windowStart);
    if (end - start > this.windowSize) return this.read(start, end - start);
    this.fill(start);
    return this.window.subarray(0, end - start);
  }

  private fill(start: number): void {
    // A new buffer every time: views handed out from the old window stay as they were.
    this.window = this.read(start, Math.min(this.windowSize, this.length - start));
    this.windowStart = start;
    this.windowEnd = start + this.window.length;
  }

  private read(position: number, length: number): Uint8Array {
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const count = fs.readSync(this.descriptor, buffer, filled, length - filled, position + filled);
      if (count === 0) {
        // Ingest compares the file before its commit and judges such a file again later.
        throw new Error(`the file is shorter than the ${this.length} bytes it held when opened (nothing at byte ${position + filled}): it changed while it was read`);
      }
      filled += count;
    }
    return buffer;
  }
}

/** Opens the file, hands `read` a windowed source over it, and closes the file whatever happens. */
export function readFileThroughSource<T>(filePath: string, read: (source: ByteSource) => T, windowSize: number = FILE_WINDOW_BYTES): T {
  const descriptor = fs.openSync(filePath, 'r');
  try {
    return read(new FileByteSource(descriptor, fs.fstatSync(descriptor).size, windowSize));
  } finally {
    fs.closeSync(descriptor);
  }
}
