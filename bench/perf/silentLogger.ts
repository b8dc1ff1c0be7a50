import type { Logger } from '../../src/core/ports/Logger';

const ignore = (): void => undefined;

/** Logging would time the console, not the pipeline. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
