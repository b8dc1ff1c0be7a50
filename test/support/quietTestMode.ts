// Loaded before every test file (jest `setupFiles`). Without the Functions host, `@azure/functions` warns on the
// console that it switches to test mode and skips each registration: in tests that is the point, and those lines
// made up most of `npm test`'s console output. Every other warning still shows.
/* eslint-disable no-console -- this file exists to filter the console */
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]): void => {
  if (!String(args[0]).includes('"@azure/functions" package')) warn(...args);
};
// The library's own debug line when src/index.ts enables HTTP streaming (the host would take it; here the console).
const debug = console.debug.bind(console);
console.debug = (...args: unknown[]): void => {
  if (args[0] !== 'HTTP streaming enabled.') debug(...args);
};
