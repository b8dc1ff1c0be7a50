/**
 * Figure 4, in a fresh process: how long `require` of the given modules takes. The parent compares every
 * function module (the Functions entry) with `@azure/functions` alone.
 */
import { performance } from 'node:perf_hooks';
import { childArgs, childMain } from '../child';

export interface ColdStartArgs {
  modules: string[];
  /** App settings the function modules validate when they register. */
  env: Record<string, string>;
}

export interface ColdStartResult {
  loadMs: number;
  /** Modules in require's cache afterwards: what the entry pulled in. */
  modulesLoaded: number;
}

childMain((): Promise<ColdStartResult> => {
  const { modules, env } = childArgs() as ColdStartArgs;
  Object.assign(process.env, env);
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the point is timing a synchronous require.
  for (const module of modules) require(module);
  const loadMs = performance.now() - started;
  return Promise.resolve({ loadMs, modulesLoaded: Object.keys(require.cache).length });
});
