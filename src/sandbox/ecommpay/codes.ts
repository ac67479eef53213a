/**
 * The codes the ecommpay sandbox answers with, worded as in ecommpay's unified code registry (see
 * /work/shared/reference/ecommpay.md §4). Top-level `code` travels as a string, `errors[].code` as a number.
 */
export const gateMessages = {
  '0': 'Success',
  '303': 'Access denied',
  '314': 'Provider is not available now to perform the operation',
  '504': 'Insufficient funds on the balance',
  '601': 'Resend the request',
  '3101': 'Token and customer do not match',
  '10504': 'Insufficient funds on acquirer balance',
  '77777': 'A code the sandbox makes up: no registry holds it',
  '702': 'Malformed request',
  '2003': 'Invalid JSON string',
  '2004': 'Required field not provided',
  '2442': 'Project ID not found',
  '2609': 'Invalid day of birth',
  '3024': 'Invalid Payment ID',
  '3027': 'Invalid token provided',
  '3028': 'Insufficient funds on merchant balance',
  '3041': 'Payment ID already exists',
  '3060': 'Current payment or operation status does not allow this action',
  '3061': 'Transaction not found',
  '3104': 'Payment Constraint Invalid Payout Amount',
  '3105': 'Card country is forbidden',
  '3121': 'Invalid currency',
  '3161': 'Invalid Holder',
  '3191': 'Need clarification',
  '3261': 'Invalid signature',
  '3262': 'Empty signature',
  '10101': 'Decline due to amount or frequency limit',
  '19999': 'Awaiting processing',
} as const;

export type GateCode = keyof typeof gateMessages;
