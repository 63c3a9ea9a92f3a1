// Everything Node-side code needs from the API contract: the types and constants (./contract) and
// the payload schemas with the validating `parseApiCall` (./schemas). The renderer and the preload
// import ./contract directly so that zod stays out of the page.
export * from './contract';
export * from './schemas';
