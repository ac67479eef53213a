/**
 * Card numbers: Luhn, masking and scrubbing. Pure functions, safe inside workflows.
 * The one masking function the whole project uses: logs, errors, search attributes, summaries, reports.
 */
/** True when a string of digits passes the Luhn check. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** A PAN becomes 424242******4242: the first six and last four digits at most, as PCI DSS allows. */
export function maskPan(pan: string): string {
  const digits = pan.replace(/[\s-]/g, '');
  if (digits.length < 12) return '*'.repeat(digits.length);
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

const panLike = /(?<!\d)\d{12,19}(?!\d)/g;

/** Masks every Luhn-valid 12-19 digit run in free text (log lines, error messages from third parties). */
export function scrubCardNumbers(text: string): string {
  return text.replace(panLike, (match) => (luhnValid(match) ? maskPan(match) : match));
}

/**
 * A card given by its number (paid by PAN), as opposed to a provider's token. Generic over the card type, so
 * this module needs nothing from payout-request.ts (whose schema uses luhnValid): for a Card it narrows to PanCard.
 */
export function isPanCard<C extends object>(card: C): card is Extract<C, { pan: string }> {
  return 'pan' in card;
}

/** The names a card security code goes by; payout-request.ts refuses each (a schema of its own needs the list). */
export const securityCodeFieldNames = ['cvv', 'cvc', 'cvv2', 'cvc2', 'csc'] as const;

/** Whether a card (as a starter sent it, unvalidated) carries a security code under any of its names. */
export function carriesSecurityCode(card: object): boolean {
  return securityCodeFieldNames.some((name) => name in card);
}
