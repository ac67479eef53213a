/**
 * ecommpay's unified code registry (developers.ecommpay.com "payment info codes", transcribed in
 * /work/shared/reference/ecommpay.md §4): one table for synchronous answers (errors.ts) and for the codes a
 * status answer or a callback carries (wire/status.ts mapStatus), so a code means the same on both paths.
 */
import type { DeclineClass } from '../contract.js';

export type CodeClass =
  | 'duplicate'
  | 'not_found'
  | 'registered'
  | 'systemic'
  | 'invalid_request'
  | 'declined'
  /** "Resend the request": transient in a synchronous answer; in a callback not the card's fault. */
  | 'resend';

/** Code -> class and the registry's own wording, used when an answer carries a code but no message. */
export const codeTable: Record<string, [CodeClass, string]> = {
  '3041': ['duplicate', 'Payment ID already exists'],
  '3061': ['not_found', 'Transaction not found'],
  '3191': ['registered', 'Need clarification'],
  '19999': ['registered', 'Awaiting processing'],

  '3261': ['systemic', 'Invalid signature'],
  '3262': ['systemic', 'Empty signature'],
  '2442': ['systemic', 'Project ID not found'],
  '3028': ['systemic', 'Insufficient funds on merchant balance to perform payout'],
  '504': ['systemic', 'Insufficient funds on the balance'],
  '10504': ['systemic', 'Insufficient funds on acquirer balance'],
  '314': ['systemic', 'Provider is not available now to perform the operation'],
  '310': ['systemic', 'This operation is not allowed by project settings'],
  '3023': ['systemic', 'Provided currency disabled for Project ID'],
  // Named in issue 19 and (303) in the reference as the likely answer for an inaccessible project; their
  // registry wording is not in the reference, so the text here is ours.
  '303': ['systemic', 'Access denied'],
  '601': ['resend', 'Resend the request'],
  '602': ['resend', 'Resend the request'],

  '2003': ['invalid_request', 'Invalid JSON string'],
  '2004': ['invalid_request', 'Required field not provided'],
  '3024': ['invalid_request', 'Invalid Payment ID'],
  '3027': ['invalid_request', 'Invalid token provided'],
  '3060': ['invalid_request', 'Current payment or operation status does not allow this action'],
  '3121': ['invalid_request', 'Invalid currency'],
  '3161': ['invalid_request', 'Invalid Holder'],
  '3162': ['invalid_request', 'Cardholder is required'],
  '3022': ['invalid_request', 'Token and customer do not match'],
  '3101': ['invalid_request', 'Token and customer do not match'],

  '100': ['declined', 'General decline'],
  '904': ['declined', 'Exceeded allowed amount for payout'],
  '3021': ['declined', 'Card expired'],
  '3103': ['declined', 'Payout was declined due to constraint for card type'],
  '3104': ['declined', 'Payment Constraint Invalid Payout Amount'],
  '3105': ['declined', 'Card country is forbidden'],
  '3106': ['declined', 'Monthly payout amount limit exceeded'],
  '3108': ['declined', 'Weekly payout amount limit exceeded'],
  '3109': ['declined', 'Daily payout amount limit exceeded'],
  '3110': ['declined', 'Monthly payout count limit exceeded'],
  '3111': ['declined', 'Weekly payout count limit exceeded'],
  '3112': ['declined', 'Daily payout count limit exceeded'],
  '3356': ['declined', 'The operation is not allowed for this card'],
  '10000': ['declined', 'General decline'],
  '10100': ['declined', 'Declined by external provider'],
  '10101': ['declined', 'Decline due to amount or frequency limit'],
  '10102': ['declined', 'Incorrect data entered'],
  '10812': ['declined', 'Invalid card. Do not try again'],
};

/**
 * The class of the code a final `decline`/`error` status carries. A code not in the table is `unclassified`:
 * never a final card decline by itself. No code at all (or `0`) is the plain decline the status says.
 */
export function declineClassOf(code: string | undefined): DeclineClass {
  if (code === undefined || code === '0' || code === 'decline' || code === 'error') return 'declined';
  const known = Object.hasOwn(codeTable, code) ? codeTable[code] : undefined;
  if (!known) return 'unclassified';
  switch (known[0]) {
    case 'declined':
      return 'declined';
    case 'invalid_request':
      return 'invalid_request';
    case 'systemic':
    case 'resend':
      return 'systemic';
    case 'registered':
      // A payment declined with 3191 is one whose clarification was never given: declined as asked.
      return code === '3191' ? 'declined' : 'unclassified';
    default:
      // duplicate, not found: not a decline's reason; a person looks.
      return 'unclassified';
  }
}
