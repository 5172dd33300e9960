/** How large each chunk of {@link endlessBody} is. */
export const endlessChunkBytes = 64 * 1024;

/**
 * A POST to `url` whose form body never ends, and how many bytes the server pulled from it: a server
 * that caps bodies while reading pulls little more than its cap, one that buffers never answers.
 */
export const endlessPost = (url: string) => {
  const pulled = { bytes: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled.bytes += endlessChunkBytes;
      controller.enqueue(new Uint8Array(endlessChunkBytes).fill(0x61));
    },
  });
  const request = new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    duplex: 'half',
  } as RequestInit);
  return { request, pulled };
};
