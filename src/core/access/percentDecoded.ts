/** Escapes of ASCII characters: what a server decodes before it resolves a path. */
const ASCII_ESCAPE = /%([0-7][0-9a-f])/gi;

/** The name with ASCII percent-escapes decoded until none is left (double encoding included). */
export function percentDecoded(name: string): string {
  let current = name;
  for (let round = 0; round < 4; round++) {
    const next = current.replace(ASCII_ESCAPE, (_match, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    if (next === current) break;
    current = next;
  }
  return current;
}
