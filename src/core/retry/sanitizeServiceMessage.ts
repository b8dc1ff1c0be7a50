const MAX_MESSAGE_CHARS = 500;
/** Long base64-looking runs: an error message that echoes part of the request must not carry the payload. */
const PAYLOAD_LIKE = /[A-Za-z0-9+/=_-]{120,}/g;

/**
 * A message from the service (or a credential) as it may be logged and recorded: no payload, one line (a CLI
 * reports a configuration fault in one line), bounded length.
 */
export function sanitizeServiceMessage(message: string): string {
  const cleaned = message.replace(PAYLOAD_LIKE, '[redacted]').replace(/\s+/g, ' ').trim();
  return cleaned.length > MAX_MESSAGE_CHARS ? `${cleaned.slice(0, MAX_MESSAGE_CHARS)}…` : cleaned;
}
