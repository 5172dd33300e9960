import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { readBodyText } from './requestBody.ts';

const chunkBytes = 64 * 1024;
const cap = 16 * 1024;

/** An endless body that counts what the reader pulled out of it. */
const endless = () => {
  const pulled = { bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled.bytes += chunkBytes;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
    },
    cancel() {
      pulled.cancelled = true;
    },
  });
  return { stream, pulled };
};

describe('readBodyText', () => {
  it('stops reading a Web stream as soon as it passes the cap, and cancels it', async () => {
    const { stream, pulled } = endless();
    expect(await readBodyText(stream, cap)).toBeNull();
    // At most the chunk that crossed the cap, plus what the stream queued ahead (its high-water mark).
    expect(pulled.bytes).toBeLessThanOrEqual(2 * chunkBytes);
    expect(pulled.cancelled).toBe(true);
  });

  it('stops reading an async iterable (a Node stream) as soon as it passes the cap, and ends it', async () => {
    let produced = 0;
    let ended = false;
    const node = {
      [Symbol.asyncIterator]() {
        return {
          next: async () => {
            produced += chunkBytes;
            return { done: false, value: new Uint8Array(chunkBytes).fill(0x61) };
          },
          // What a Node stream's iterator does here: destroy the stream (nothing more is buffered).
          return: async () => {
            ended = true;
            return { done: true, value: undefined };
          },
        };
      },
    } as AsyncIterable<Uint8Array>;
    expect(await readBodyText(node, cap)).toBeNull();
    expect(produced).toBeLessThanOrEqual(2 * chunkBytes);
    expect(ended).toBe(true);
  });

  it('reads a body of exactly the cap, split anywhere, multi-byte characters included', async () => {
    const text = `logout_token=${'é'.repeat((cap - 13) / 2)}`.slice(0, cap);
    const bytes = new TextEncoder().encode(text);
    expect(bytes.byteLength).toBeLessThanOrEqual(cap);
    const split = (size: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let start = 0; start < bytes.length; start += size)
            controller.enqueue(bytes.slice(start, start + size));
          controller.close();
        },
      });
    for (const size of [1, 3, 1000, cap]) expect(await readBodyText(split(size), cap)).toBe(text);
  });

  it('checks text a body parser already read', async () => {
    expect(await readBodyText('logout_token=x', cap)).toBe('logout_token=x');
    expect(await readBodyText(Promise.resolve('a'.repeat(cap + 1)), cap)).toBeNull();
    expect(await readBodyText(null, cap)).toBe('');
  });

  test.prop([
    fc.array(fc.uint8Array({ maxLength: 4096 }), { maxLength: 16 }),
    fc.integer({ min: 0, max: 20_000 }),
  ])('gives the whole body when it fits and null when it does not, for any chunking', async (chunks, max) => {
    const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    async function* iterate() {
      yield* chunks;
    }
    const result = await readBodyText(iterate(), max);
    if (total > max) expect(result).toBeNull();
    else {
      const whole = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        whole.set(chunk, offset);
        offset += chunk.byteLength;
      }
      expect(result).toBe(new TextDecoder().decode(whole));
    }
  });
});
