// Reads a download's body to a file or into memory, never past a byte cap: files come from outside
// (a misbehaving server, a wrong file id) and one must not fill the disk or the heap. The cap is checked
// against Content-Length up front and counted while streaming (a missing or lying header gets no more
// bytes through).
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/** A file read into memory (a log, a file a test uploaded) must stay small: exports go to disk. */
export const MAX_BUFFERED_DOWNLOAD_BYTES = 64 * 1024 ** 2;

/** Another attempt would get the same bytes: kibo-fetch never retries this. */
export class DownloadTooLargeError extends Error {
  override readonly name = 'DownloadTooLargeError';
  constructor(
    /** What was read when it stopped, or the declared Content-Length. */
    readonly bytes: number,
    readonly maxBytes: number,
    readonly declared: boolean,
  ) {
    super(
      declared
        ? `the body declares ${bytes} bytes (Content-Length), more than the cap of ${maxBytes} bytes`
        : `the body went past the cap of ${maxBytes} bytes (stopped after ${bytes} bytes)`,
    );
  }
}

/**
 * Streams the body into `destination`, replacing whatever is there (a retried attempt starts the file
 * over, it never appends). Returns the bytes written.
 */
export async function readCappedBodyToFile(response: Response, destination: string, maxBytes: number): Promise<number> {
  assertDeclaredLength(response, maxBytes);
  const counter = createByteCounter(maxBytes);
  await pipeline(toNodeReadable(response), counter.stream, createWriteStream(destination, { flags: 'w' }));
  return counter.bytes();
}

export async function readCappedBodyToBuffer(response: Response, maxBytes: number): Promise<Buffer> {
  assertDeclaredLength(response, maxBytes);
  const counter = createByteCounter(maxBytes);
  const chunks: Buffer[] = [];
  await pipeline(toNodeReadable(response), counter.stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

function assertDeclaredLength(response: Response, maxBytes: number): void {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    // Nothing read yet: free the connection instead of draining a body we refuse.
    void response.body?.cancel().catch(() => undefined);
    throw new DownloadTooLargeError(declared, maxBytes, true);
  }
}

function toNodeReadable(response: Response): Readable {
  if (response.body === null) return Readable.from([]);
  // The DOM and node:stream/web ReadableStream types differ only on paper.
  return Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
}

function createByteCounter(maxBytes: number): { stream: Transform; bytes: () => number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        callback(new DownloadTooLargeError(bytes, maxBytes, false));
        return;
      }
      callback(null, chunk);
    },
  });
  return { stream, bytes: () => bytes };
}
