/**
 * Memo keys of a started workflow's request identity (a keyed HMAC, never card data). No imports: the
 * workflow bundle reads them, and so do the client and the activities that compare a resubmission.
 */
export const requestIdentityMemoKey = 'requestIdentity';
/** The memo key of payouts started before issue 18 (an unkeyed hash); their batch items carry `requestHash`. */
export const legacyRequestHashMemoKey = 'requestHash';
/** The memo key of a batch's and a page's identity. */
export const batchIdentityMemoKey = 'batchIdentity';
/**
 * The memo key under which a batched payout leaves its outcome for its batch to collect (outcomeBy 'memo'): set
 * with its final status, read back through visibility by the batch's window activity.
 */
export const payoutOutcomeMemoKey = 'payoutOutcome';
