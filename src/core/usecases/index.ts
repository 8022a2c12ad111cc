export { createBerthService, defaultStateDir, type BerthServiceOptions } from './service';
export type * from './types';
