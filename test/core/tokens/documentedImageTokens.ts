/** The GPT-4o image-token examples from the Azure OpenAI docs: width, height, detail, prompt tokens. */
export const DOCUMENTED_IMAGE_TOKENS = [
  [1024, 1024, 'high', 765],
  [2048, 4096, 'high', 1105],
  [1920, 1080, 'high', 1105],
  [3024, 4032, 'high', 765],
  [512, 512, 'high', 255],
  [4096, 8192, 'low', 85],
] as const;
