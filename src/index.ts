import { app } from '@azure/functions';

/*
 * An entry point of its own in package.json "main", loaded with the function modules. HTTP streaming is a setup
 * option that the library locks when the worker reports its capabilities, which happens after every entry point
 * has loaded; setting it here, once, covers every HTTP function whatever order the files load in.
 */
app.setup({ enableHttpStream: true });
