import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isRecord } from '../core/json/isRecord';

/** The `Values` of a `local.settings.json`, the file Core Tools (`func start`) reads app settings from. */
export interface LocalSettings {
  /** Absolute path of the file read. */
  path: string;
  /** Setting name → value, as strings (numbers and booleans are turned into text, as the host does). */
  values: Readonly<Record<string, string>>;
}

export const LOCAL_SETTINGS_FILE = 'local.settings.json';

/**
 * Reads `local.settings.json` in `dir`; `undefined` when there is none.
 * @throws Error naming the file when it is not JSON, is encrypted (`IsEncrypted: true`), or when `Values` is not
 * an object of strings, numbers or booleans.
 */
export function readLocalSettings(dir: string): LocalSettings | undefined {
  const file = path.resolve(dir, LOCAL_SETTINGS_FILE);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(parsed)) throw new Error(`${file} must hold a JSON object with a "Values" object.`);
  if (parsed.IsEncrypted === true) {
    throw new Error(`${file} is encrypted ("IsEncrypted": true); decrypt it with \`func settings decrypt\`.`);
  }
  const raw = parsed.Values ?? {};
  if (!isRecord(raw)) throw new Error(`${file}: "Values" must be an object of setting names and values.`);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      values[name] = String(value);
    } else {
      throw new Error(`${file}: Values.${name} must be a string, number or boolean.`);
    }
  }
  return { path: file, values };
}

/**
 * Copies each setting into `env` unless `env` already has it: environment variables win, as with `func start`.
 * @returns the names copied.
 */
export function applyLocalSettings(
  env: Record<string, string | undefined>,
  settings: LocalSettings,
): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(settings.values)) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  return applied;
}
