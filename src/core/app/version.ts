// The app version, read from package.json at build time (esbuild inlines the JSON).
import pkg from '../../../package.json';

export const APP_VERSION: string = (pkg as { version: string }).version;
