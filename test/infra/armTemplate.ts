/** The parts of a compiled ARM template (languageVersion 1.0 or 2.0) that the infra tests read. */
export interface ArmTemplate {
  languageVersion?: string;
  parameters?: Record<string, ArmParameter>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, ArmOutput>;
}

export interface ArmParameter {
  type: string;
  defaultValue?: unknown;
  metadata?: Record<string, unknown>;
  allowedValues?: unknown[];
}

export interface ArmOutput {
  type: string;
  value: unknown;
}

export interface ArmResource {
  type: string;
  name: string;
  scope?: string;
  condition?: unknown;
  existing?: boolean;
  kind?: string;
  sku?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

/** A resource with the module path that holds it ('' for the entry template, else e.g. 'storage'). */
export interface LocatedResource {
  module: string;
  symbol: string;
  resource: ArmResource;
  /** The template that declares it, for its parameters and variables. */
  template: ArmTemplate;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(template: ArmTemplate): [string, ArmResource][] {
  return Array.isArray(template.resources)
    ? template.resources.map((resource, index) => [String(index), resource])
    : Object.entries(template.resources);
}

/** Every resource in the template and, recursively, in its modules (nested deployments). */
export function allResources(template: ArmTemplate, module = ''): LocatedResource[] {
  return entries(template).flatMap(([symbol, resource]) => {
    const own: LocatedResource = { module, symbol, resource, template };
    const nested = resource.properties?.template;
    if (resource.type !== 'Microsoft.Resources/deployments' || !isRecord(nested)) return [own];
    return [own, ...allResources(nested as unknown as ArmTemplate, module ? `${module}/${symbol}` : symbol)];
  });
}

/** The nested template of a module, by its symbolic name in the entry template. */
export function moduleTemplate(template: ArmTemplate, symbol: string): ArmTemplate {
  const found = entries(template).find(([name]) => name === symbol)?.[1];
  const nested = found?.properties?.template;
  if (!isRecord(nested)) throw new Error(`no module ${symbol}`);
  return nested as unknown as ArmTemplate;
}

/** The expression the entry template passes for one module parameter. */
export function moduleParameter(template: ArmTemplate, symbol: string, parameter: string): unknown {
  const found = entries(template).find(([name]) => name === symbol)?.[1];
  const parameters = found?.properties?.parameters;
  if (!isRecord(parameters)) throw new Error(`no module ${symbol}`);
  const passed = parameters[parameter];
  // A conditional value compiles to one expression that yields the whole {value} object.
  if (typeof passed === 'string') return passed;
  if (!isRecord(passed) || !('value' in passed)) throw new Error(`module ${symbol} gets no ${parameter}`);
  return passed.value;
}

/** Replaces `variables('x')` with the quoted value of each plain-string variable, so GUIDs and names show. */
export function inlineVariables(template: ArmTemplate, expression: unknown): string {
  const text = typeof expression === 'string' ? expression : JSON.stringify(expression);
  return text.replace(/variables\('([^']+)'\)/g, (whole, name: string) => {
    const value = template.variables?.[name];
    return typeof value === 'string' ? `'${value}'` : whole;
  });
}
