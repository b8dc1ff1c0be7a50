import { HttpRequest } from '@azure/functions';

/** `POST /api/completions?save=true` with `bytes` as a raw PNG body, as the host hands it to the function. */
export function saveRequest(bytes: Uint8Array): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost:7071/api/completions?save=true&prompt=Describe.',
    query: { save: 'true', prompt: 'Describe.' },
    headers: { 'content-type': 'image/png' },
    body: { bytes },
  });
}
