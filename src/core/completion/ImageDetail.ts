/**
 * How closely the model looks at an image: OpenAI's `image_url.detail` (`low`: one 512-px view for a fixed token
 * cost; `high`: 512-px tiles; `auto`: the service decides). Also decides how far images are downscaled.
 */
export type ImageDetail = 'auto' | 'low' | 'high';
