// The built-in demo service: a loopback HTTP target for trying loadctl and for the project's end-to-end tests.
export { startDemoService, type DemoService, type DemoServiceOptions, type DemoStats } from './server.js';
export { describeDemo } from './describe.js';
export {
  checkDemoKnobs,
  DEMO_DEFAULTS,
  resolveDemoKnobs,
  validateDemoKnobs,
  type KnobIssue,
  type ResolvedDemoKnobs,
} from './knobs.js';
export { DEMO_ROUTES, type DemoRoute } from './routes.js';
export { SEAT_PRICE } from './state.js';
export type { DemoKnobs } from '../plans/schema.js';
