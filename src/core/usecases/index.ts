export { createBerthService, defaultStateDir, type BerthServiceOptions } from './service';
export type * from './types';
export type * from './productionTypes';
export type { ParityReport, ParityImage, ParityDrift, RuntimeComparison } from '../production/report';
