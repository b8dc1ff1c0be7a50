/** An https image passed to the model by reference: the service fetches it, we never do (no SSRF). */
export interface ImageUrlInput {
  url: string;
}
