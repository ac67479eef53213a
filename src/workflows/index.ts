// The workflows the worker registers. Workflow code is deterministic: no I/O, no Node built-ins (ESLint enforces it).
export { PayoutWorkflow } from './payout/workflow.js';
export { DestinationWorkflow } from './destination.js';
export { BatchWorkflow, BatchPageWorkflow } from './batch.js';
export { ReconciliationWorkflow } from './reconciliation.js';
export { MerchantNotificationWorkflow } from './notification.js';
