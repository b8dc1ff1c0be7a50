export interface SchemaExampleOptions {
  /** Draws in [0, 1): every choice (enum member, number, length, date) comes from it, so a seed repeats it. */
  random: () => number;
  /** The text of a plain string field, given the field's path (e.g. `items[0].name`). */
  describe: (field: string) => string;
  /** A short identifier (the media's hash) put into emails and URIs. */
  token: string;
}

type Schema = Readonly<Record<string, unknown>>;

/** Below this depth a recursive schema stops: arrays get their minimum length, nullable values null. */
const MAX_DEPTH = 8;
const DEFAULT_ARRAY_MAX = 3;

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function without(node: Schema, ...keys: readonly string[]): Schema {
  return Object.fromEntries(Object.entries(node).filter(([key]) => !keys.includes(key)));
}

/**
 * A JSON value that validates against `schema`, built from `options.random` alone (so the same seed gives the
 * same value). Honours `type` (one or a list; a nullable field gets a value), `const`, `enum`, `properties` in
 * their order (every one filled), `items` / `prefixItems` with `minItems` / `maxItems` / `uniqueItems`,
 * `minimum` / `maximum` and their exclusive forms, integer `multipleOf`, `minLength` / `maxLength`, the string
 * formats `date`, `date-time`, `time`, `email`, `uri`, `uuid`, local `$ref`s (`#/$defs/…`, `#/definitions/…`),
 * `anyOf` / `oneOf` (the first non-null branch) and `allOf` (merged). Not honoured: `pattern`, `not`,
 * `if`/`then`, dependent schemas; a schema that no value satisfies gets a value that does not validate.
 */
export function exampleFromSchema(schema: unknown, options: SchemaExampleOptions): unknown {
  const root = isObject(schema) ? schema : {};
  const { random } = options;
  const pick = <T>(values: readonly T[]): T | undefined => values[Math.floor(random() * values.length)];

  const resolve = (node: Schema): Schema => {
    let current = node;
    for (let hops = 0; typeof current.$ref === 'string' && hops < MAX_DEPTH; hops += 1) {
      const ref: string = current.$ref;
      if (!ref.startsWith('#')) break;
      let target: unknown = root;
      for (const part of ref
        .slice(1)
        .split('/')
        .filter((segment) => segment.length > 0)) {
        const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
        target = isObject(target) ? target[key] : undefined;
      }
      const siblings = without(current, '$ref');
      current = isObject(target) ? { ...target, ...siblings } : siblings;
    }
    if (Array.isArray(current.allOf)) {
      const rest = without(current, 'allOf');
      current = (current.allOf as unknown[]).filter(isObject).reduce<Schema>((merged, part) => {
        const branch = resolve(part);
        const properties = { ...(isObject(merged.properties) ? merged.properties : {}) };
        Object.assign(properties, isObject(branch.properties) ? branch.properties : {});
        return { ...merged, ...branch, properties };
      }, rest);
    }
    const branches = current.anyOf ?? current.oneOf;
    if (Array.isArray(branches)) {
      const candidates = (branches as unknown[]).filter(isObject).map(resolve);
      const chosen = candidates.find((branch) => branch.type !== 'null') ?? candidates[0];
      if (chosen !== undefined) current = { ...without(current, 'anyOf', 'oneOf'), ...chosen };
    }
    return current;
  };

  const typeOf = (node: Schema): string => {
    const declared: unknown[] = Array.isArray(node.type) ? (node.type as unknown[]) : [node.type];
    const named = declared.filter((type): type is string => typeof type === 'string');
    const concrete = named.find((type) => type !== 'null');
    if (concrete !== undefined) return concrete;
    if (named.includes('null')) return 'null';
    if (isObject(node.properties)) return 'object';
    if (node.items !== undefined || node.prefixItems !== undefined) return 'array';
    return 'string';
  };

  const integer = (node: Schema): number => {
    const exclusiveMin = asNumber(node.exclusiveMinimum);
    const exclusiveMax = asNumber(node.exclusiveMaximum);
    let low = Math.ceil(
      asNumber(node.minimum) ?? (exclusiveMin === undefined ? 0 : Math.floor(exclusiveMin) + 1),
    );
    let high = Math.floor(
      asNumber(node.maximum) ?? (exclusiveMax === undefined ? low + 100 : Math.ceil(exclusiveMax) - 1),
    );
    if (high < low) high = low;
    const step = asNumber(node.multipleOf);
    if (step !== undefined && Number.isInteger(step) && step > 0) {
      low = Math.ceil(low / step);
      high = Math.max(low, Math.floor(high / step));
      return (low + Math.floor(random() * (high - low + 1))) * step;
    }
    return low + Math.floor(random() * (high - low + 1));
  };

  const number = (node: Schema): number => {
    if (asNumber(node.multipleOf) !== undefined) return integer(node);
    const exclusiveMin = asNumber(node.exclusiveMinimum);
    const exclusiveMax = asNumber(node.exclusiveMaximum);
    const low = asNumber(node.minimum) ?? exclusiveMin ?? 0;
    const high = asNumber(node.maximum) ?? exclusiveMax ?? low + 1000;
    const inside = (value: number): boolean =>
      value >= low &&
      value <= high &&
      (exclusiveMin === undefined || value > exclusiveMin) &&
      (exclusiveMax === undefined || value < exclusiveMax);
    const drawn = Math.round((low + random() * (high - low)) * 100) / 100;
    return inside(drawn) ? drawn : (low + high) / 2;
  };

  const string = (node: Schema, field: string): string => {
    const date = `${2020 + Math.floor(random() * 6)}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
    const time = `${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}Z`;
    let text: string;
    switch (node.format) {
      case 'date':
        return date;
      case 'date-time':
        return `${date}T${time}`;
      case 'time':
        return time;
      case 'email':
        return `${field.replace(/[^A-Za-z0-9]+/g, '.').replace(/^\.+|\.+$/g, '') || 'media'}.${options.token}@example.com`;
      case 'uri':
      case 'url':
        return `https://example.com/media/${options.token}`;
      case 'uuid': {
        const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
      }
      default:
        text = options.describe(field);
    }
    const minLength = asNumber(node.minLength) ?? 0;
    const maxLength = asNumber(node.maxLength);
    if (text.length < minLength) text = text.padEnd(minLength, '.');
    return maxLength === undefined ? text : Array.from(text).slice(0, maxLength).join('');
  };

  const array = (node: Schema, field: string, depth: number): unknown[] => {
    const minItems = asNumber(node.minItems) ?? 0;
    const maxItems = asNumber(node.maxItems) ?? Math.max(minItems, DEFAULT_ARRAY_MAX);
    const wanted =
      depth >= MAX_DEPTH ? minItems : Math.min(maxItems, Math.max(minItems, 1 + Math.floor(random() * 3)));
    const prefix = Array.isArray(node.prefixItems) ? (node.prefixItems as unknown[]) : [];
    const values: unknown[] = [];
    const seen = new Set<string>();
    // uniqueItems: draw again on a repeat, a bounded number of times.
    for (let attempt = 0; values.length < wanted && attempt < wanted * 8; attempt += 1) {
      const index = values.length;
      const itemSchema = prefix[index] ?? node.items;
      const value = generate(itemSchema, `${field}[${index}]`, depth + 1);
      const key = JSON.stringify(value);
      if (node.uniqueItems === true && seen.has(key)) continue;
      seen.add(key);
      values.push(value);
    }
    return values;
  };

  const generate = (raw: unknown, field: string, depth: number): unknown => {
    if (raw === true || raw === undefined) return options.describe(field);
    if (!isObject(raw)) return null;
    const node = resolve(raw);
    if ('const' in node) return node.const;
    if (Array.isArray(node.enum)) return pick(node.enum as unknown[]) ?? null;
    const type = typeOf(node);
    if (depth >= MAX_DEPTH && Array.isArray(node.type) && node.type.includes('null')) return null;
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return random() < 0.5;
      case 'integer':
        return integer(node);
      case 'number':
        return number(node);
      case 'array':
        return array(node, field, depth);
      case 'object': {
        const properties = isObject(node.properties) ? node.properties : {};
        const value: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(properties)) {
          value[key] = generate(child, field === '' ? key : `${field}.${key}`, depth + 1);
        }
        return value;
      }
      default:
        return string(node, field === '' ? 'value' : field);
    }
  };

  return generate(root, '', 0);
}
