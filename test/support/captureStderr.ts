/** Collects what is written to stderr until `restore()`, instead of printing it. */
export function captureStderr(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return {
    text: () => chunks.join(''),
    restore: () => {
      spy.mockRestore();
    },
  };
}
