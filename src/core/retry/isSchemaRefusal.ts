import type { ServiceErrorDetail } from './modelErrorFromResponse';

/**
 * Azure OpenAI's 400 for a `json_schema` its strict mode refuses: "Invalid schema for response_format '<name>':
 * In context=(…), …". The schema is at fault, not the model (whatever the rest of the message says, e.g. "… is
 * not supported"), so it never teaches a model's response format.
 */
export function isSchemaRefusal(status: number, detail: ServiceErrorDetail): boolean {
  return status === 400 && /invalid schema for response_format/i.test(detail.message ?? '');
}
