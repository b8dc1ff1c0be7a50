import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

/** Azurite's well-known development account; it is public and only ever valid against the emulator. */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface StartAzuriteOptions {
  /** Folder for disk persistence; omitted means in memory. */
  location?: string;
  /** Fixed ports (for a restart that must keep its address); 0 or omitted picks free ones. */
  blobPort?: number;
  queuePort?: number;
}

export interface RunningAzurite {
  connectionString: string;
  blobPort: number;
  queuePort: number;
  /** Stops Azurite and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills Azurite with SIGKILL, as a crash would. */
  kill(): Promise<void>;
}

const LISTENING = /Azurite (Blob|Queue) service is successfully listening at https?:\/\/[^:]+:(\d+)/;

/**
 * Starts npm's Azurite (blob and queue) as a child process. The flags are the ones current SDKs need:
 * without `--skipApiVersionCheck` Azurite rejects their API version.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<RunningAzurite> {
  const azuriteMain = resolveAzuriteMain();
  const args = [
    azuriteMain,
    '--skipApiVersionCheck',
    '--loose',
    '--disableTelemetry',
    '--blobHost',
    '127.0.0.1',
    '--queueHost',
    '127.0.0.1',
    '--blobPort',
    String(options.blobPort ?? 0),
    '--queuePort',
    String(options.queuePort ?? 0),
    '--tablePort',
    '0',
  ];
  if (options.location === undefined) {
    args.push('--inMemoryPersistence', '--extentMemoryLimit', '2048');
  } else {
    args.push('--location', options.location);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ports = new Map<string, number>();
  let output = '';

  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      for (const line of output.split('\n')) {
        const match = LISTENING.exec(line);
        if (match?.[1] !== undefined && match[2] !== undefined) ports.set(match[1], Number(match[2]));
      }
      if (ports.has('Blob') && ports.has('Queue')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      reject(
        new Error(`Azurite exited with code ${String(code)} before it was ready:\n${output.slice(-2000)}`),
      );
    });
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();

  const blobPort = ports.get('Blob') ?? 0;
  const queuePort = ports.get('Queue') ?? 0;
  const exited = once(child, 'exit');
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    blobPort,
    queuePort,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `BlobEndpoint=http://127.0.0.1:${blobPort}/${DEV_ACCOUNT};QueueEndpoint=http://127.0.0.1:${queuePort}/${DEV_ACCOUNT};`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

function resolveAzuriteMain(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('azurite/package.json');
  } catch (error) {
    throw new Error('Azurite is not installed: run `npm install` in the project folder first.', {
      cause: error,
    });
  }
  return path.join(path.dirname(packageJson), 'dist', 'src', 'azurite.js');
}
