/**
 * Runs once per workflow thread, while the SDK builds the V8 context that every workflow of the worker shares
 * (src/worker/bundling.ts preloads it), before any workflow exists and before the SDK freezes the context's
 * built-ins. Nothing here may hold a workflow's state.
 *
 * For each promise workflow code creates, the SDK records the stack it was created at (the UI's "Stack Trace"
 * tab), formatting each frame through the bundle's source map. In the worker's profile this recording was the
 * largest cost of the workflow thread (docs/PERFORMANCE.md), and it grows with the frames recorded per promise.
 */
import { workflowStackTraceFrames } from './definitions.js';

Error.stackTraceLimit = workflowStackTraceFrames;
