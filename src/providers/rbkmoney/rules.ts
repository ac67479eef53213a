/**
 * RBKmoney's pre-flight rules for a payout. They live in domain/scheme-rules, because the client library runs
 * them too before it starts anything; the adapter reaches them only through here.
 */
export {
  maxDestinationIdLength,
  validatePayout as payoutProblems,
  type RbkmoneyValidationContext,
} from '../../domain/scheme-rules/rbkmoney.js';
