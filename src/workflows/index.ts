// The workflows the worker registers. Workflow code is deterministic: no I/O, no Node built-ins (ESLint enforces it).
export { PayoutWorkflow, PayoutWorkflowV2, PayoutWorkflowV3 } from './payout/workflow.js';
export { DestinationWorkflow } from './destination/workflow.js';
export { BatchWorkflow } from './batch/workflow.js';
export { BatchPageWorkflow } from './batch/page.js';
export { ReconciliationWorkflow } from './reconciliation/workflow.js';
export { MerchantNotificationWorkflow } from './notification/workflow.js';
