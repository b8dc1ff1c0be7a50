/**
 * A JSON path for messages, from object keys and array indexes: `$.analyzers.receipts.match[0]`; names that are
 * not identifiers are quoted: `$.analyzers["a-b"]`.
 */
export function jsonPath(segments: readonly string[]): string {
  return segments.reduce(
    (path, segment) =>
      /^\d+$/.test(segment)
        ? `${path}[${segment}]`
        : /^[A-Za-z_$][\w$]*$/.test(segment)
          ? `${path}.${segment}`
          : `${path}[${JSON.stringify(segment)}]`,
    '$',
  );
}
