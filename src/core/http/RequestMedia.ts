/** One media item of an HTTP request, before it is resolved to bytes. */
export type RequestMedia =
  | {
      from: 'file' | 'data' | 'raw';
      bytes: Uint8Array;
      /** The type the client declared; detection from the bytes wins over it. */
      declaredType: string | undefined;
      /** The multipart file name, when one was given. */
      fileName: string | undefined;
    }
  | { from: 'url'; url: string }
  | { from: 'blob'; container: string; name: string };
