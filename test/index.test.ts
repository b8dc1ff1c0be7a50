import { readFileSync } from 'node:fs';
import path from 'node:path';
import { app } from '@azure/functions';

describe('the app entry point', () => {
  it('is loaded by the host together with every function module', () => {
    const { main } = JSON.parse(readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as {
      main: string;
    };
    expect(main).toBe('dist/{index.js,functions/*.js}');
  });

  it('enables HTTP streaming when it loads', async () => {
    const setup = jest.spyOn(app, 'setup');
    await import('../src/index');
    expect(setup).toHaveBeenCalledWith({ enableHttpStream: true });
  });
});
